//! Reading cookies from request headers.

use http::{HeaderMap, header};

/// The values of every cookie called `name` the request carries (a browser
/// may send several of one name, set for different paths).
pub(crate) fn values<'h, 'n>(
    headers: &'h HeaderMap,
    name: &'n str,
) -> impl Iterator<Item = &'h str> + use<'h, 'n> {
    headers
        .get_all(header::COOKIE)
        .into_iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(move |pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then_some(value)
        })
}
