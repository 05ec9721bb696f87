//! Data arrays and their encoding as plotly.js typed arrays (`bdata`).
//!
//! plotly.js (2.28 and later) reads a numeric array written as
//! `{"dtype": "f8", "bdata": "<base64 of little-endian bytes>"}` and, for a
//! matrix, an added `"shape": "rows,cols"`. This is several times smaller
//! than a JSON list of numbers and much faster to parse in the browser.
//! [`DataArray`] picks the smallest [`Dtype`] that holds its values exactly
//! (see [`Dtype::choose`]); a [`Figure`](crate::Figure) can switch to plain
//! JSON lists with [`ArrayEncoding::Json`].

use std::cell::Cell;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ferrodash_core::Column;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

/// How numeric arrays are written when a figure is serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ArrayEncoding {
    /// plotly.js typed arrays: `{"dtype": …, "bdata": …}` (the default).
    #[default]
    Typed,
    /// Plain JSON lists of numbers (missing values as `null`).
    Json,
}

thread_local! {
    // The encoding in force while a figure is being serialized. Serde gives
    // no way to pass context down to a field's `Serialize`, and a figure's
    // serialization is synchronous on one thread, so a scoped thread-local
    // set by `Figure::serialize` and restored afterwards is enough.
    static ENCODING: Cell<ArrayEncoding> = const { Cell::new(ArrayEncoding::Typed) };
}

/// Sets the array encoding for the current thread until dropped.
#[derive(Debug)]
pub(crate) struct EncodingScope(ArrayEncoding);

impl EncodingScope {
    pub(crate) fn enter(encoding: ArrayEncoding) -> Self {
        Self(ENCODING.with(|e| e.replace(encoding)))
    }
}

impl Drop for EncodingScope {
    fn drop(&mut self) {
        ENCODING.with(|e| e.set(self.0));
    }
}

fn current_encoding() -> ArrayEncoding {
    ENCODING.with(Cell::get)
}

/// The element type of a plotly.js typed array.
///
/// plotly.js has no 64-bit integer types, so whole numbers beyond the
/// 32-bit range are written as floats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Dtype {
    /// Signed 8-bit integer.
    I1,
    /// Unsigned 8-bit integer.
    U1,
    /// Signed 16-bit integer.
    I2,
    /// Unsigned 16-bit integer.
    U2,
    /// Signed 32-bit integer.
    I4,
    /// Unsigned 32-bit integer.
    U4,
    /// 32-bit float.
    F4,
    /// 64-bit float.
    F8,
}

impl Dtype {
    /// The name plotly.js uses: `i1`, `u1`, `i2`, `u2`, `i4`, `u4`, `f4`, `f8`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::I1 => "i1",
            Self::U1 => "u1",
            Self::I2 => "i2",
            Self::U2 => "u2",
            Self::I4 => "i4",
            Self::U4 => "u4",
            Self::F4 => "f4",
            Self::F8 => "f8",
        }
    }

    /// The dtype called `name` (as in [`Dtype::as_str`]).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "i1" => Self::I1,
            "u1" => Self::U1,
            "i2" => Self::I2,
            "u2" => Self::U2,
            "i4" => Self::I4,
            "u4" => Self::U4,
            "f4" => Self::F4,
            "f8" => Self::F8,
            _ => return None,
        })
    }

    /// Bytes per element.
    #[must_use]
    pub const fn size(self) -> usize {
        match self {
            Self::I1 | Self::U1 => 1,
            Self::I2 | Self::U2 => 2,
            Self::I4 | Self::U4 | Self::F4 => 4,
            Self::F8 => 8,
        }
    }

    /// The smallest dtype that holds every value exactly.
    ///
    /// Whole numbers go to the smallest integer type whose range holds them
    /// (signed before unsigned at each width); otherwise `f4` when every
    /// value survives a round trip through `f32`, else `f8`. `NaN` (a gap
    /// in plotly.js) and `-0.0` rule out the integer types, and `NaN`
    /// forces `f8`. An empty array is `i1`.
    #[must_use]
    pub fn choose(values: &[f64]) -> Self {
        let whole = |v: f64| v.is_finite() && v.trunc() == v && !(v == 0.0 && v.is_sign_negative());
        if values.iter().all(|&v| whole(v)) {
            let (min, max) = values
                .iter()
                .fold((0.0_f64, 0.0_f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            let fits = |lo: f64, hi: f64| min >= lo && max <= hi;
            let ranges = [
                (Self::I1, f64::from(i8::MIN), f64::from(i8::MAX)),
                (Self::U1, 0.0, f64::from(u8::MAX)),
                (Self::I2, f64::from(i16::MIN), f64::from(i16::MAX)),
                (Self::U2, 0.0, f64::from(u16::MAX)),
                (Self::I4, f64::from(i32::MIN), f64::from(i32::MAX)),
                (Self::U4, 0.0, f64::from(u32::MAX)),
            ];
            if let Some((dtype, _, _)) = ranges.iter().find(|(_, lo, hi)| fits(*lo, *hi)) {
                return *dtype;
            }
        }
        #[allow(clippy::cast_possible_truncation)]
        let exact_f32 = |v: f64| f64::from(v as f32) == v;
        if values.iter().all(|&v| exact_f32(v)) {
            Self::F4
        } else {
            Self::F8
        }
    }
}

impl fmt::Display for Dtype {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The little-endian bytes of `values` as `dtype`.
///
/// Values are assumed to fit (as [`Dtype::choose`] guarantees).
#[must_use]
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
pub fn to_bytes(values: &[f64], dtype: Dtype) -> Vec<u8> {
    let mut out = Vec::with_capacity(values.len() * dtype.size());
    for &v in values {
        match dtype {
            Dtype::I1 => out.extend_from_slice(&(v as i8).to_le_bytes()),
            Dtype::U1 => out.extend_from_slice(&(v as u8).to_le_bytes()),
            Dtype::I2 => out.extend_from_slice(&(v as i16).to_le_bytes()),
            Dtype::U2 => out.extend_from_slice(&(v as u16).to_le_bytes()),
            Dtype::I4 => out.extend_from_slice(&(v as i32).to_le_bytes()),
            Dtype::U4 => out.extend_from_slice(&(v as u32).to_le_bytes()),
            Dtype::F4 => out.extend_from_slice(&(v as f32).to_le_bytes()),
            Dtype::F8 => out.extend_from_slice(&v.to_le_bytes()),
        }
    }
    out
}

/// `values` encoded with the smallest exact dtype: the dtype and the base64
/// text of the bytes (the `bdata` string).
#[must_use]
pub fn encode(values: &[f64]) -> (Dtype, String) {
    let dtype = Dtype::choose(values);
    (dtype, STANDARD.encode(to_bytes(values, dtype)))
}

/// Why a `bdata` string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The dtype is not one plotly.js knows.
    #[error("unknown dtype `{0}`")]
    Dtype(String),
    /// The text is not base64.
    #[error("bdata is not base64: {0}")]
    Base64(String),
    /// The byte count is not a multiple of the element size.
    #[error("{bytes} bytes is not a whole number of {dtype} elements")]
    Length {
        /// The dtype.
        dtype: Dtype,
        /// The number of bytes.
        bytes: usize,
    },
}

/// Decodes a typed array (`dtype` name and `bdata` base64 text) back to
/// numbers, as plotly.js does.
///
/// # Errors
///
/// [`DecodeError`] for an unknown dtype, bad base64 or a ragged length.
pub fn decode(dtype: &str, bdata: &str) -> Result<Vec<f64>, DecodeError> {
    let dtype = Dtype::from_name(dtype).ok_or_else(|| DecodeError::Dtype(dtype.to_owned()))?;
    let bytes = STANDARD
        .decode(bdata)
        .map_err(|e| DecodeError::Base64(e.to_string()))?;
    if bytes.len() % dtype.size() != 0 {
        return Err(DecodeError::Length {
            dtype,
            bytes: bytes.len(),
        });
    }
    Ok(match dtype {
        Dtype::I1 => decode_each(&bytes, |c| f64::from(i8::from_le_bytes(c))),
        Dtype::U1 => decode_each(&bytes, |[b]| f64::from(b)),
        Dtype::I2 => decode_each(&bytes, |c| f64::from(i16::from_le_bytes(c))),
        Dtype::U2 => decode_each(&bytes, |c| f64::from(u16::from_le_bytes(c))),
        Dtype::I4 => decode_each(&bytes, |c| f64::from(i32::from_le_bytes(c))),
        Dtype::U4 => decode_each(&bytes, |c| f64::from(u32::from_le_bytes(c))),
        Dtype::F4 => decode_each(&bytes, |c| f64::from(f32::from_le_bytes(c))),
        Dtype::F8 => decode_each(&bytes, f64::from_le_bytes),
    })
}

/// Each `N`-byte element of `bytes` as a number (a ragged tail, which
/// [`decode`] has ruled out, would be left out).
fn decode_each<const N: usize>(bytes: &[u8], number: impl Fn([u8; N]) -> f64) -> Vec<f64> {
    let (elements, _) = bytes.as_chunks::<N>();
    elements.iter().map(|&e| number(e)).collect()
}

/// One data array of a trace: numbers (sent as a typed array) or text
/// (categories, dates as ISO 8601 text; sent as a JSON list).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DataArray {
    /// Numbers; `NaN` is a missing value (a gap).
    Numbers(Vec<f64>),
    /// Text; `None` is a missing value (`null`).
    Text(Vec<Option<String>>),
}

impl DataArray {
    /// The number of entries.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Numbers(v) => v.len(),
            Self::Text(v) => v.len(),
        }
    }

    /// Whether the array is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The numbers, if this is a numeric array.
    #[must_use]
    pub fn as_numbers(&self) -> Option<&[f64]> {
        match self {
            Self::Numbers(v) => Some(v),
            Self::Text(_) => None,
        }
    }

    /// A column's values: numbers for numeric columns (missing as `NaN`),
    /// text otherwise.
    #[must_use]
    pub fn from_column(column: &Column) -> Self {
        column
            .to_f64()
            .map_or_else(|| Self::Text(column.to_text()), Self::Numbers)
    }

    /// The entries at `rows`, in that order (out of range reads as missing).
    #[must_use]
    pub fn select(&self, rows: &[usize]) -> Self {
        match self {
            Self::Numbers(v) => Self::Numbers(
                rows.iter()
                    .map(|&r| v.get(r).copied().unwrap_or(f64::NAN))
                    .collect(),
            ),
            Self::Text(v) => {
                Self::Text(rows.iter().map(|&r| v.get(r).cloned().flatten()).collect())
            }
        }
    }
}

/// A number written to a JSON list: whole numbers without a fraction,
/// non-finite numbers as `null`.
struct JsonNumber(f64);

impl Serialize for JsonNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        let v = self.0;
        if v.is_finite()
            && v.trunc() == v
            && v.abs() <= EXACT
            && !(v == 0.0 && v.is_sign_negative())
        {
            #[allow(clippy::cast_possible_truncation)]
            return s.serialize_i64(v as i64);
        }
        if v.is_finite() {
            s.serialize_f64(v)
        } else {
            s.serialize_unit()
        }
    }
}

fn serialize_numbers<S: Serializer>(
    values: &[f64],
    shape: Option<(usize, usize)>,
    s: S,
) -> Result<S::Ok, S::Error> {
    if current_encoding() == ArrayEncoding::Typed && !values.is_empty() {
        let (dtype, bdata) = encode(values);
        let mut map = s.serialize_map(Some(if shape.is_some() { 3 } else { 2 }))?;
        map.serialize_entry("dtype", dtype.as_str())?;
        map.serialize_entry("bdata", &bdata)?;
        if let Some((rows, cols)) = shape {
            map.serialize_entry("shape", &format!("{rows},{cols}"))?;
        }
        return map.end();
    }
    match shape {
        None => {
            let mut seq = s.serialize_seq(Some(values.len()))?;
            for &v in values {
                seq.serialize_element(&JsonNumber(v))?;
            }
            seq.end()
        }
        Some((rows, cols)) => {
            let mut seq = s.serialize_seq(Some(rows))?;
            for r in 0..rows {
                let row: Vec<JsonNumber> = values
                    .get(r * cols..(r + 1) * cols)
                    .unwrap_or_default()
                    .iter()
                    .map(|&v| JsonNumber(v))
                    .collect();
                seq.serialize_element(&row)?;
            }
            seq.end()
        }
    }
}

impl Serialize for DataArray {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Numbers(v) => serialize_numbers(v, None, s),
            Self::Text(v) => v.serialize(s),
        }
    }
}

/// A numeric matrix in row-major order (a heatmap's `z`), sent as a typed
/// array with a `shape` or as a JSON list of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct DataMatrix {
    rows: usize,
    cols: usize,
    values: Vec<f64>,
}

impl DataMatrix {
    /// A matrix from rows, or `None` when the rows differ in length.
    #[must_use]
    pub fn from_rows(rows: &[Vec<f64>]) -> Option<Self> {
        let cols = rows.first().map_or(0, Vec::len);
        if rows.iter().any(|r| r.len() != cols) {
            return None;
        }
        Some(Self {
            rows: rows.len(),
            cols,
            values: rows.concat(),
        })
    }

    /// A `rows × cols` matrix from row-major values, or `None` when the
    /// count is not `rows * cols`.
    #[must_use]
    pub fn from_flat(rows: usize, cols: usize, values: Vec<f64>) -> Option<Self> {
        (rows.checked_mul(cols) == Some(values.len())).then_some(Self { rows, cols, values })
    }

    /// The number of rows.
    #[must_use]
    pub const fn rows(&self) -> usize {
        self.rows
    }

    /// The number of columns.
    #[must_use]
    pub const fn cols(&self) -> usize {
        self.cols
    }

    /// The entry at (`row`, `col`).
    #[must_use]
    pub fn get(&self, row: usize, col: usize) -> Option<f64> {
        if row < self.rows && col < self.cols {
            self.values.get(row * self.cols + col).copied()
        } else {
            None
        }
    }

    /// The values, row-major.
    #[must_use]
    pub fn values(&self) -> &[f64] {
        &self.values
    }
}

impl Serialize for DataMatrix {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_numbers(&self.values, Some((self.rows, self.cols)), s)
    }
}

macro_rules! numbers_from {
    ($($t:ty),*) => {$(
        impl From<Vec<$t>> for DataArray {
            fn from(v: Vec<$t>) -> Self {
                Self::Numbers(v.into_iter().map(f64::from).collect())
            }
        }
        impl From<&[$t]> for DataArray {
            fn from(v: &[$t]) -> Self {
                Self::Numbers(v.iter().copied().map(f64::from).collect())
            }
        }
        impl<const N: usize> From<[$t; N]> for DataArray {
            fn from(v: [$t; N]) -> Self {
                Self::Numbers(v.into_iter().map(f64::from).collect())
            }
        }
        impl From<Vec<Option<$t>>> for DataArray {
            fn from(v: Vec<Option<$t>>) -> Self {
                Self::Numbers(v.into_iter().map(|x| x.map_or(f64::NAN, f64::from)).collect())
            }
        }
    )*};
}
numbers_from!(f64, f32, i32, u32, i16, u16, i8, u8);

impl From<Vec<i64>> for DataArray {
    /// Whole numbers beyond 2^53 lose precision, as in the browser.
    #[allow(clippy::cast_precision_loss)]
    fn from(v: Vec<i64>) -> Self {
        Self::Numbers(v.into_iter().map(|x| x as f64).collect())
    }
}

impl From<Vec<String>> for DataArray {
    fn from(v: Vec<String>) -> Self {
        Self::Text(v.into_iter().map(Some).collect())
    }
}

impl From<Vec<Option<String>>> for DataArray {
    fn from(v: Vec<Option<String>>) -> Self {
        Self::Text(v)
    }
}

impl From<Vec<&str>> for DataArray {
    fn from(v: Vec<&str>) -> Self {
        Self::Text(v.into_iter().map(|s| Some(s.to_owned())).collect())
    }
}

impl From<&[&str]> for DataArray {
    fn from(v: &[&str]) -> Self {
        Self::Text(v.iter().map(|s| Some((*s).to_owned())).collect())
    }
}

impl<const N: usize> From<[&str; N]> for DataArray {
    fn from(v: [&str; N]) -> Self {
        Self::Text(v.into_iter().map(|s| Some(s.to_owned())).collect())
    }
}

impl From<&Column> for DataArray {
    fn from(column: &Column) -> Self {
        Self::from_column(column)
    }
}

#[cfg(test)]
mod tests;
