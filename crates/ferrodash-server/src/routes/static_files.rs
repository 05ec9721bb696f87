//! Component suites (`_dash-component-suites/<package>/<path>`), the assets
//! folder and the favicon (dash-protocol §3).

use axum::extract::{Path, State as AxumState};
use axum::response::{IntoResponse, Response};
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::app::App;
use crate::assets::{content_type, resolve};
use crate::rejection::ProtocolError;

/// How a file may be sent, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

/// Whether `Accept-Encoding` accepts `coding` (with a q-value above zero).
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or("");
            let q = parts
                .find_map(|p| p.strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            (name.eq_ignore_ascii_case(coding) || name == "*") && q > 0.0
        })
}

/// An embedded file's answer: 304 on a matching `If-None-Match`, else the
/// best precompressed variant the client accepts.
pub(crate) struct EmbeddedAnswer<'a> {
    pub(crate) raw: &'a [u8],
    pub(crate) gzip: Option<&'a [u8]>,
    pub(crate) brotli: Option<&'a [u8]>,
    pub(crate) etag: &'a str,
    pub(crate) content_type: &'a str,
    pub(crate) immutable: bool,
}

impl EmbeddedAnswer<'_> {
    pub(crate) fn respond(&self, headers: &HeaderMap) -> Response {
        let cache = if self.immutable {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        let mut out_headers = HeaderMap::new();
        out_headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        if let Ok(etag) = HeaderValue::from_str(self.etag) {
            out_headers.insert(header::ETAG, etag);
        }
        out_headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        let matches = headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == self.etag || t.trim() == "*")
            });
        if matches {
            return (StatusCode::NOT_MODIFIED, out_headers).into_response();
        }
        let encoding = if self.brotli.is_some() && accepts(headers, "br") {
            Encoding::Brotli
        } else if self.gzip.is_some() && accepts(headers, "gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        };
        let body: &[u8] = match encoding {
            Encoding::Brotli => self.brotli.unwrap_or(self.raw),
            Encoding::Gzip => self.gzip.unwrap_or(self.raw),
            Encoding::Identity => self.raw,
        };
        match encoding {
            Encoding::Brotli => {
                out_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            }
            Encoding::Gzip => {
                out_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
            Encoding::Identity => {}
        }
        if let Ok(ct) = HeaderValue::from_str(self.content_type) {
            out_headers.insert(header::CONTENT_TYPE, ct);
        }
        (StatusCode::OK, out_headers, body.to_vec()).into_response()
    }
}

pub(crate) async fn component_suite(
    AxumState(app): AxumState<App>,
    Path((package, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let (stripped, fingerprinted) = ferrodash_frontend::strip_fingerprint(&path);
    if let Some(file) = ferrodash_frontend::lookup(&package, &stripped) {
        return EmbeddedAnswer {
            raw: file.raw,
            gzip: file.gzip,
            brotli: file.brotli,
            etag: file.etag,
            content_type: file.content_type,
            immutable: fingerprinted,
        }
        .respond(&headers);
    }
    let third_party = app.inner.packages.iter().find(|p| p.name == package);
    if let Some(file) = third_party.and_then(|p| p.get(&stripped)) {
        return EmbeddedAnswer {
            raw: &file.bytes,
            gzip: None,
            brotli: None,
            etag: &file.etag,
            content_type: content_type(&file.path),
            immutable: fingerprinted,
        }
        .respond(&headers);
    }
    ProtocolError::NotFound.into_response()
}

pub(crate) async fn favicon(headers: HeaderMap) -> Response {
    let file = ferrodash_frontend::favicon();
    EmbeddedAnswer {
        raw: file.raw,
        gzip: file.gzip,
        brotli: file.brotli,
        etag: file.etag,
        content_type: file.content_type,
        immutable: false,
    }
    .respond(&headers)
}

pub(crate) async fn asset(
    AxumState(app): AxumState<App>,
    Path(path): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some(full) = resolve(&app.inner.config.assets_folder, &path) else {
        return ProtocolError::NotFound.into_response();
    };
    let Ok(metadata) = tokio::fs::metadata(&full).await else {
        return ProtocolError::NotFound.into_response();
    };
    if !metadata.is_file() {
        return ProtocolError::NotFound.into_response();
    }
    let Ok(bytes) = tokio::fs::read(&full).await else {
        return ProtocolError::NotFound.into_response();
    };
    let mtime = metadata
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let etag = format!("\"{:x}-{:x}\"", bytes.len(), mtime);
    EmbeddedAnswer {
        raw: &bytes,
        gzip: None,
        brotli: None,
        etag: &etag,
        content_type: content_type(&path),
        immutable: false,
    }
    .respond(&headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_encoding_parsing() {
        let mut h = HeaderMap::new();
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br;q=0"),
        );
        assert!(accepts(&h, "gzip"));
        assert!(!accepts(&h, "br"));
        h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static("*"));
        assert!(accepts(&h, "br"));
        assert!(!accepts(&HeaderMap::new(), "gzip"));
    }
}
