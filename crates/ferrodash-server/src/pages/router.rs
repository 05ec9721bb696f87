//! Routing: the hidden callback that draws the page for the browser's
//! address, and the clientside one that sets the tab's title.

use std::sync::Arc;

use ferrodash_auth::Principal;
use ferrodash_components::html;
use ferrodash_core::{Json, Node};
use serde_json::json;

use super::template::PathTemplate;
use super::{CONTENT_ID, DUMMY_ID, LOCATION_ID, Page, STORE_ID};
use crate::callback::{Callback, ClientsideCallback, Input};

/// A layout drawn when no page matches.
pub(crate) type NotFoundLayout = Arc<dyn Fn() -> Node + Send + Sync>;

/// The default not-found layout.
pub(crate) fn default_not_found() -> Node {
    html::div((
        html::h1("404 - Page not found"),
        html::p("There is no page at this address."),
    ))
    .into()
}

/// What a user sees of a page they may not open.
fn not_allowed() -> Node {
    html::div((
        html::h1("403 - Not allowed"),
        html::p("Your account does not have access to this page."),
    ))
    .class_name("page-not-allowed")
    .into()
}

/// The app's pages, in registry order, ready to route.
pub(crate) struct PageRoutes {
    pages: Vec<(PathTemplate, Page)>,
    not_found: NotFoundLayout,
    /// The prefix of every path the browser shows (the requests prefix).
    prefix: String,
    app_title: String,
}

impl std::fmt::Debug for PageRoutes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageRoutes")
            .field("pages", &self.pages.len())
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl PageRoutes {
    pub(crate) fn new(
        pages: Vec<(PathTemplate, Page)>,
        not_found: NotFoundLayout,
        prefix: &str,
        app_title: &str,
    ) -> Self {
        Self {
            pages,
            not_found,
            prefix: prefix.to_owned(),
            app_title: app_title.to_owned(),
        }
    }

    /// The page for `path` (the app's prefix already stripped) and its path
    /// variables: a plain path first, then templates in registry order.
    pub(crate) fn find(&self, path: &str) -> Option<(&Page, Vec<(String, String)>)> {
        let plain = self
            .pages
            .iter()
            .filter(|(t, _)| t.is_plain())
            .find_map(|(t, page)| t.matches(path).map(|vars| (page, vars)));
        plain.or_else(|| {
            self.pages
                .iter()
                .filter(|(t, _)| !t.is_plain())
                .find_map(|(t, page)| t.matches(path).map(|vars| (page, vars)))
        })
    }

    /// `pathname` without the app's prefix.
    pub(crate) fn strip_prefix<'p>(&self, pathname: &'p str) -> &'p str {
        let bare = self.prefix.trim_end_matches('/');
        pathname.strip_prefix(bare).unwrap_or(pathname)
    }

    /// The layout and title for the browser's address.
    pub(crate) fn route(
        &self,
        pathname: &str,
        search: &str,
        user: Option<&Principal>,
    ) -> (Node, String) {
        let path = self.strip_prefix(pathname);
        let Some((page, mut pairs)) = self.find(path) else {
            return ((self.not_found)(), self.app_title.clone());
        };
        if !page.allows(user) {
            return (not_allowed(), self.app_title.clone());
        }
        let query: Vec<(String, String)> =
            serde_urlencoded::from_str(search.trim_start_matches('?')).unwrap_or_default();
        for (key, value) in query {
            // A path variable wins over a query value of the same name.
            if !pairs.iter().any(|(k, _)| *k == key) {
                pairs.push((key, value));
            }
        }
        let title = page.title.clone().unwrap_or_else(|| page.name.clone());
        match (page.layout)(&pairs, user) {
            Ok(mut node) => {
                super::url_state::restore(&mut node, &page.url_state, &pairs);
                (node, title)
            }
            Err(problem) => (
                html::div((
                    (self.not_found)(),
                    html::p(format!("This address does not fit the page: {problem}."))
                        .class_name("page-address-problem"),
                ))
                .into(),
                self.app_title.clone(),
            ),
        }
    }
}

/// Adds the router (a hidden server callback on the location's pathname and
/// search) and the title setter (a clientside callback).
pub(crate) fn add_page_callbacks(
    routes: &Arc<PageRoutes>,
    callbacks: &mut Vec<Callback>,
    clientside: &mut Vec<ClientsideCallback>,
) {
    // Each shareable page writes its bound props into the address.
    for (_, page) in &routes.pages {
        if page.url_state.is_empty() {
            continue;
        }
        let mut callback =
            ClientsideCallback::inline(super::url_state::clientside_source(&page.url_state))
                .name(format!("url state of page `{}`", page.path))
                .output_allow_duplicate(DUMMY_ID, "title")
                .prevent_initial_call();
        for binding in &page.url_state {
            callback = callback.input(binding.id.as_str(), binding.prop.clone());
        }
        clientside.push(callback);
    }
    let routes = Arc::clone(routes);
    let router = move |Input(pathname): Input<Option<String>>,
                       Input(search): Input<Option<String>>,
                       user: Option<Principal>| {
        let routes = Arc::clone(&routes);
        async move {
            let (layout, title) = routes.route(
                pathname.as_deref().unwrap_or("/"),
                search.as_deref().unwrap_or(""),
                user.as_ref(),
            );
            (Json(layout), Json(json!({ "title": title })))
        }
    };
    callbacks.push(
        Callback::new(router)
            // Its metrics label and its name in errors (the closure's type
            // name would be `…::install::{{closure}}`).
            .name("pages_router")
            .output(CONTENT_ID, "children")
            .output(STORE_ID, "data")
            .input(LOCATION_ID, "pathname")
            .input(LOCATION_ID, "search")
            .prevent_initial_call()
            .hidden(),
    );
    clientside.push(
        ClientsideCallback::inline(
            "function (data) {\n  if (data && data.title) { document.title = data.title; }\n  \
             return window.dash_clientside.no_update;\n}",
        )
        .output(DUMMY_ID, "children")
        .input(STORE_ID, "data"),
    );
}
