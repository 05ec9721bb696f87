//! The login and logout pages: plain HTML forms, no script.

use std::fmt::Write as _;

use crate::index::escape_html as escape;

/// `text` percent-encoded for a query value (RFC 3986 unreserved kept).
pub(crate) fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0}\
main{max-width:22rem;margin:10vh auto;background:#fff;padding:2rem;border-radius:8px;\
box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;margin-top:0}\
label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]\
{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem}\
button,.provider{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;display:block;\
text-align:center;box-sizing:border-box}.error{color:#a40000;background:#fdecea;padding:.6rem;\
border-radius:4px}.note{color:#555}";

/// A whole page around `body`.
fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>\n",
        title = escape(title),
    )
}

/// What the login page shows.
pub(crate) struct LoginPage<'a> {
    pub(crate) title: &'a str,
    /// Where the form posts (`<prefix>login`).
    pub(crate) action: &'a str,
    pub(crate) csrf_token: &'a str,
    pub(crate) next: &'a str,
    pub(crate) name: &'a str,
    pub(crate) error: Option<&'a str>,
    pub(crate) note: Option<&'a str>,
    /// Whether to show the name and password fields.
    pub(crate) password: bool,
    /// The OpenID Connect provider's button: its link and label.
    pub(crate) provider: Option<(String, String)>,
}

impl LoginPage<'_> {
    pub(crate) fn render(&self) -> String {
        let mut body = format!("<h1>{}</h1>", escape(self.title));
        if let Some(note) = self.note {
            let _ = write!(
                body,
                "<p class=\"note\" id=\"login-note\">{}</p>",
                escape(note)
            );
        }
        if let Some(error) = self.error {
            let _ = write!(
                body,
                "<p class=\"error\" id=\"login-error\" role=\"alert\">{}</p>",
                escape(error)
            );
        }
        if self.password {
            let _ = write!(
                body,
                "<form method=\"post\" action=\"{action}\">\
                 <input type=\"hidden\" name=\"csrf_token\" value=\"{token}\">\
                 <input type=\"hidden\" name=\"next\" value=\"{next}\">\
                 <label for=\"username\">User name</label>\
                 <input type=\"text\" id=\"username\" name=\"username\" value=\"{name}\" \
                 autocomplete=\"username\" required autofocus>\
                 <label for=\"password\">Password</label>\
                 <input type=\"password\" id=\"password\" name=\"password\" \
                 autocomplete=\"current-password\" required>\
                 <button type=\"submit\" id=\"login-submit\">Log in</button></form>",
                action = escape(self.action),
                token = escape(self.csrf_token),
                next = escape(self.next),
                name = escape(self.name),
            );
        }
        if let Some((href, label)) = &self.provider {
            let _ = write!(
                body,
                "<a class=\"provider\" id=\"login-provider\" href=\"{}\">Log in with {}</a>",
                escape(href),
                escape(label)
            );
        }
        document(self.title, &body)
    }
}

/// The page that asks to confirm a logout (for a plain link to `/logout`).
pub(crate) fn logout_page(title: &str, action: &str, csrf_token: &str) -> String {
    document(
        title,
        &format!(
            "<h1>Log out?</h1><form method=\"post\" action=\"{}\">\
             <input type=\"hidden\" name=\"csrf_token\" value=\"{}\">\
             <button type=\"submit\" id=\"logout-submit\">Log out</button></form>",
            escape(action),
            escape(csrf_token)
        ),
    )
}

/// A page with one message (a refused form post).
pub(crate) fn message_page(title: &str, message: &str) -> String {
    document(
        title,
        &format!(
            "<h1>{}</h1><p class=\"error\" id=\"login-error\">{}</p>",
            escape(title),
            escape(message)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::encode_component;

    #[test]
    fn encodes_query_values() {
        assert_eq!(
            encode_component("/app/p?a=1&b=x y#z"),
            "/app/p%3Fa%3D1%26b%3Dx%20y%23z"
        );
    }
}
