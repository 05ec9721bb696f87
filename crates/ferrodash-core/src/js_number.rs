//! Numbers written the way JavaScript's `JSON.stringify` writes them.
//!
//! The renderer compares stringified component ids as strings (Patch targets,
//! `changedPropIds`), so ids must be written exactly as its `stringifyId` would:
//! `1` rather than `1.0`, `1e+21` rather than `1e21`.

use serde_json::Number;

/// Writes `number` as JavaScript's `Number.prototype.toString` would.
pub(crate) fn write_js_number(out: &mut String, number: &Number) {
    if let Some(i) = number.as_i64() {
        out.push_str(&i.to_string());
        return;
    }
    if let Some(u) = number.as_u64() {
        out.push_str(&u.to_string());
        return;
    }
    let f = number.as_f64().unwrap_or(f64::NAN);
    write_js_f64(out, f);
}

/// Writes a float as JavaScript does (ECMAScript `Number::toString`, radix 10).
pub(crate) fn write_js_f64(out: &mut String, f: f64) {
    if !f.is_finite() {
        // JSON.stringify writes NaN and the infinities as null.
        out.push_str("null");
        return;
    }
    if f == 0.0 {
        out.push('0');
        return;
    }
    if f < 0.0 {
        out.push('-');
    }
    // Rust's `{:e}` gives the shortest digits that round-trip, like JavaScript.
    let sci = format!("{:e}", f.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    // `n` is the position of the decimal point relative to the digit string.
    let n = exponent + 1;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        for _ in 0..(n - k) {
            out.push('0');
        }
    } else if 0 < n && n <= 21 {
        let (int_part, frac_part) = digits.split_at(usize::try_from(n).unwrap_or(0));
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac_part);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        for _ in 0..(-n) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).abs().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(f: f64) -> String {
        let mut s = String::new();
        write_js_f64(&mut s, f);
        s
    }

    #[test]
    fn matches_javascript_number_to_string() {
        assert_eq!(js(1.0), "1");
        assert_eq!(js(-2.5), "-2.5");
        assert_eq!(js(0.1), "0.1");
        assert_eq!(js(123_456.789), "123456.789");
        assert_eq!(js(1e21), "1e+21");
        assert_eq!(js(1e20), "100000000000000000000");
        assert_eq!(js(1.5e-7), "1.5e-7");
        assert_eq!(js(0.000_001), "0.000001");
        assert_eq!(js(-0.0), "0");
        assert_eq!(js(f64::NAN), "null");
        assert_eq!(js(2.0f64.powi(60)), "1152921504606847000");
        assert_eq!(js(1.234_5e30), "1.2345e+30");
    }
}
