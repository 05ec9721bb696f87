//! Multi-page apps: pages registered with a path or a path template, routed
//! in the browser by Dash's own `dcc.Location` and `dcc.Link`, with no page
//! reload (dash-protocol §12).

pub(crate) mod router;
mod template;
mod url_state;

use std::fmt;
use std::sync::Arc;

use ferrodash_auth::Principal;
use ferrodash_components::{dcc, html};
use ferrodash_core::Node;
use serde::de::DeserializeOwned;

pub(crate) use router::{PageRoutes, add_page_callbacks};
pub(crate) use template::PathTemplate;

/// The id of the page container's `dcc.Location`.
pub const LOCATION_ID: &str = "_pages_location";
/// The id of the element the current page is drawn into.
pub const CONTENT_ID: &str = "_pages_content";
/// The id of the store that carries the page's title to the browser.
pub const STORE_ID: &str = "_pages_store";
/// The id of the element the title-setting clientside callback writes to.
pub const DUMMY_ID: &str = "_pages_dummy";

/// Where the pages of a multi-page app are drawn: put it in the app's
/// layout (next to a navigation bar, say). An app with pages and no layout
/// of its own gets this as its whole layout. Dash's `dash.page_container`.
#[must_use]
pub fn container() -> Node {
    html::div((
        dcc::location(LOCATION_ID).refresh("callback-nav"),
        html::div(()).id(CONTENT_ID).disable_n_clicks(true),
        dcc::store(STORE_ID),
        html::div(()).id(DUMMY_ID).disable_n_clicks(true),
    ))
    .into()
}

/// Why a page's address could not become its typed arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageArgsError(String);

impl fmt::Display for PageArgsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PageArgsError {}

/// A page's layout from its path variables and query values, and the
/// logged-in user.
type PageLayout = Arc<
    dyn Fn(&[(String, String)], Option<&Principal>) -> Result<Node, PageArgsError> + Send + Sync,
>;

/// Path variables and query values read into a page's typed arguments.
fn read_args<P: DeserializeOwned>(pairs: &[(String, String)]) -> Result<P, PageArgsError> {
    let form = serde_urlencoded::to_string(pairs).map_err(|e| PageArgsError(e.to_string()))?;
    serde_urlencoded::from_str(&form).map_err(|e| PageArgsError(e.to_string()))
}

/// One page of a multi-page app: a path (or a path template like
/// `/projects/<id>`), a layout, and what navigation and link previews show
/// of it.
///
/// ```
/// use ferrodash_server::Page;
/// use ferrodash_components::html;
///
/// #[derive(serde::Deserialize, Default)]
/// struct Project { id: u32, tab: Option<String> }
///
/// let home = Page::new("/", || html::h1("Home").into()).title("Home").order(0);
/// // `/projects/7?tab=costs` draws project 7's costs tab.
/// let project = Page::with_args("/projects/<id>", |p: Project| {
///     html::h1(format!("Project {} ({})", p.id, p.tab.unwrap_or_default())).into()
/// })
/// .title("Project");
/// ```
#[derive(Clone)]
pub struct Page {
    pub(crate) path: String,
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) description: String,
    pub(crate) order: Option<i64>,
    pub(crate) redirect_from: Vec<String>,
    pub(crate) url_state: Vec<url_state::UrlBinding>,
    /// Groups a user must be in to see the page, every one.
    pub(crate) groups: Vec<String>,
    /// Whether the layout takes the logged-in user.
    pub(crate) takes_user: bool,
    pub(crate) layout: PageLayout,
    /// The layout as drawn with default arguments, for the build-time checks.
    pub(crate) sample: Arc<dyn Fn() -> Node + Send + Sync>,
}

impl fmt::Debug for Page {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Page")
            .field("path", &self.path)
            .field("name", &self.name)
            .field("title", &self.title)
            .field("order", &self.order)
            .finish_non_exhaustive()
    }
}

/// `Sales report` for `/sales-report`, `Home` for `/`.
fn name_from_path(path: &str) -> String {
    let last = path
        .trim_matches('/')
        .rsplit('/')
        .find(|s| !s.starts_with('<'))
        .unwrap_or("");
    if last.is_empty() {
        return "Home".to_owned();
    }
    let words = last.replace(['-', '_'], " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

impl Page {
    /// A page at `path` whose layout takes no arguments.
    #[must_use]
    pub fn new(path: impl Into<String>, layout: impl Fn() -> Node + Send + Sync + 'static) -> Self {
        let layout = Arc::new(layout);
        let sample = Arc::clone(&layout);
        Self::with_layout(
            path.into(),
            Arc::new(move |_: &[(String, String)], _: Option<&Principal>| Ok(layout())),
            Arc::new(move || sample()),
        )
    }

    /// A page whose layout takes typed arguments: the path template's
    /// variables and the query string's values, read into `P` as a form is
    /// (numbers and booleans parse from text; a field may be an `Option`).
    /// An address whose values do not fit `P` shows the not-found page with
    /// the reason. `P::default()` draws the layout that the app's callbacks
    /// are checked against when it is built.
    #[must_use]
    pub fn with_args<P: DeserializeOwned + Default + 'static>(
        path: impl Into<String>,
        layout: impl Fn(P) -> Node + Send + Sync + 'static,
    ) -> Self {
        let layout = Arc::new(layout);
        let sample = Arc::clone(&layout);
        Self::with_layout(
            path.into(),
            Arc::new(move |pairs: &[(String, String)], _: Option<&Principal>| {
                Ok(layout(read_args(pairs)?))
            }),
            Arc::new(move || sample(P::default())),
        )
    }

    /// A page drawn for the logged-in user, with typed arguments as
    /// [`with_args`](Self::with_args) reads them (use `()` for none): a
    /// greeting, the user's own projects. Needs a login on the app; the
    /// app's callbacks are checked against the layout drawn for a user with
    /// an empty id and name and `P::default()`.
    ///
    /// ```
    /// use ferrodash_server::{Page, Principal};
    /// use ferrodash_components::html;
    ///
    /// let home = Page::for_user("/", |user: &Principal, (): ()| {
    ///     html::h1(format!("Welcome, {}", user.name)).into()
    /// });
    /// ```
    #[must_use]
    pub fn for_user<P: DeserializeOwned + Default + 'static>(
        path: impl Into<String>,
        layout: impl Fn(&Principal, P) -> Node + Send + Sync + 'static,
    ) -> Self {
        let layout = Arc::new(layout);
        let sample = Arc::clone(&layout);
        let mut page = Self::with_layout(
            path.into(),
            Arc::new(
                move |pairs: &[(String, String)], user: Option<&Principal>| {
                    let user =
                        user.ok_or_else(|| PageArgsError("nobody is logged in".to_owned()))?;
                    Ok(layout(user, read_args(pairs)?))
                },
            ),
            Arc::new(move || sample(&Principal::new("", ""), P::default())),
        );
        page.takes_user = true;
        page
    }

    /// Shows the page only to users in `group` (call again to need several,
    /// every one); others see a "not allowed" page. Needs a login on the
    /// app. Hiding the page protects its layout only: give the callbacks
    /// that serve its data the same requirement with
    /// [`Callback::require_group`](crate::Callback::require_group).
    #[must_use]
    pub fn require_group(mut self, group: impl Into<String>) -> Self {
        self.groups.push(group.into());
        self
    }

    /// Whether only some users may see the page (it needs a group).
    pub(crate) fn is_restricted(&self) -> bool {
        !self.groups.is_empty()
    }

    /// Whether the page needs a logged-in user.
    pub(crate) const fn needs_login(&self) -> bool {
        self.takes_user || !self.groups.is_empty()
    }

    /// Whether `user` may see the page.
    pub(crate) fn allows(&self, user: Option<&Principal>) -> bool {
        if !self.needs_login() {
            return true;
        }
        user.is_some_and(|u| self.groups.iter().all(|g| u.in_group(g)))
    }

    fn with_layout(
        path: String,
        layout: PageLayout,
        sample: Arc<dyn Fn() -> Node + Send + Sync>,
    ) -> Self {
        Self {
            name: name_from_path(&path),
            path,
            title: None,
            description: String::new(),
            order: None,
            redirect_from: Vec::new(),
            url_state: Vec::new(),
            groups: Vec::new(),
            takes_user: false,
            layout,
            sample,
        }
    }

    /// The name navigation shows (default: from the path, `/sales-report`
    /// is `Sales report`).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The browser tab's title on this page (default: the name).
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// A sentence about the page, for link previews and search engines.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Where the page stands in the registry (lower first; pages without an
    /// order come last, in the order they were added).
    #[must_use]
    pub const fn order(mut self, order: i64) -> Self {
        self.order = Some(order);
        self
    }

    /// An old path that now leads here (answered with a permanent redirect).
    #[must_use]
    pub fn redirect_from(mut self, old_path: impl Into<String>) -> Self {
        self.redirect_from.push(old_path.into());
        self
    }

    /// Makes the view shareable: each `(id, prop)` is kept in the address
    /// as the query parameter `id` while the user changes it (without a
    /// reload or a new history entry), and opening the address sets the
    /// prop back to exactly that value. Filters, tabs and ranges so survive
    /// a copied link or a reload. The query parameter is named like the
    /// component, or `id.prop` for a component with several bound props
    /// (a date range's `start_date` and `end_date`, say).
    ///
    /// ```
    /// use ferrodash_server::Page;
    /// use ferrodash_components::{dcc, html};
    ///
    /// let report = Page::new("/report", || {
    ///     html::div((dcc::dropdown("region").value("All"), dcc::input("search"))).into()
    /// })
    /// .url_state([("region", "value"), ("search", "value")]);
    /// ```
    #[must_use]
    pub fn url_state<I, P>(mut self, bindings: impl IntoIterator<Item = (I, P)>) -> Self
    where
        I: Into<String>,
        P: Into<String>,
    {
        self.url_state
            .extend(bindings.into_iter().map(|(id, prop)| {
                let id: String = id.into();
                url_state::UrlBinding {
                    key: id.clone(),
                    id,
                    prop: prop.into(),
                }
            }));
        url_state::name_keys(&mut self.url_state);
        self
    }

    /// What the registry tells of this page.
    #[must_use]
    pub fn info(&self) -> PageInfo {
        PageInfo {
            path: self.path.clone(),
            name: self.name.clone(),
            title: self.title.clone().unwrap_or_else(|| self.name.clone()),
            description: self.description.clone(),
            order: self.order,
            groups: self.groups.clone(),
        }
    }
}

/// A registered page as navigation sees it: [`App::pages`](crate::App::pages).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageInfo {
    /// The path or path template, like `/projects/<id>`.
    pub path: String,
    /// The name for navigation.
    pub name: String,
    /// The browser tab's title.
    pub title: String,
    /// The description.
    pub description: String,
    /// The order given, if any.
    pub order: Option<i64>,
    /// The groups a user must be in to see the page.
    pub groups: Vec<String>,
}

impl PageInfo {
    /// Whether `user` may see the page (for navigation that lists only the
    /// pages a user may open).
    #[must_use]
    pub fn visible_to(&self, user: &Principal) -> bool {
        self.groups.iter().all(|g| user.in_group(g))
    }
}

/// The index page with `page`'s title and meta tags (description, Open
/// Graph and Twitter card) in its head.
pub(crate) fn with_page_head(html: &str, page: &Page, app_title: &str) -> String {
    use crate::index::escape_html;
    let title = escape_html(page.title.as_deref().unwrap_or(&page.name));
    let description = escape_html(&page.description);
    let metas = format!(
        "\n    <meta name=\"description\" content=\"{description}\">\
         \n    <meta property=\"og:title\" content=\"{title}\">\
         \n    <meta property=\"og:type\" content=\"website\">\
         \n    <meta property=\"og:description\" content=\"{description}\">\
         \n    <meta name=\"twitter:card\" content=\"summary\">\
         \n    <meta name=\"twitter:title\" content=\"{title}\">\
         \n    <meta name=\"twitter:description\" content=\"{description}\">"
    );
    let app_title_tag = format!("<title>{}</title>", escape_html(app_title));
    let html = html.replacen(&app_title_tag, &format!("<title>{title}</title>"), 1);
    match html.find("<head>") {
        Some(at) => {
            let at = at + "<head>".len();
            format!("{}{metas}{}", &html[..at], &html[at..])
        }
        None => html,
    }
}

/// The pages in registry order: by order, then unordered ones as added.
pub(crate) fn sort_pages(pages: &mut [Page]) {
    pages.sort_by_key(|p| p.order.map_or((1, 0), |o| (0, o)));
}
