//! Tests of the typed-array encoding.

use serde_json::{Value, json};

use super::*;

fn typed(values: &[f64]) -> Value {
    serde_json::to_value(DataArray::Numbers(values.to_vec())).unwrap()
}

fn round_trip(values: &[f64]) -> (Dtype, Vec<f64>) {
    let v = typed(values);
    let dtype = v["dtype"].as_str().unwrap();
    let back = decode(dtype, v["bdata"].as_str().unwrap()).unwrap();
    (Dtype::from_name(dtype).unwrap(), back)
}

#[test]
fn dtype_boundaries() {
    let cases: &[(&[f64], Dtype)] = &[
        (&[0.0, 127.0, -128.0], Dtype::I1),
        (&[-129.0], Dtype::I2),
        (&[128.0], Dtype::U1),
        (&[0.0, 255.0], Dtype::U1),
        (&[256.0], Dtype::I2),
        (&[-1.0, 255.0], Dtype::I2),
        (&[32_767.0, -32_768.0], Dtype::I2),
        (&[32_768.0], Dtype::U2),
        (&[65_535.0], Dtype::U2),
        (&[65_536.0], Dtype::I4),
        (&[-1.0, 65_535.0], Dtype::I4),
        (&[2_147_483_647.0, -2_147_483_648.0], Dtype::I4),
        (&[2_147_483_648.0], Dtype::U4),
        (&[4_294_967_295.0], Dtype::U4),
        (&[4_294_967_296.0], Dtype::F4), // 2^32 is exact in f32
        (&[4_294_967_297.0], Dtype::F8),
        (&[-2_147_483_649.0], Dtype::F8),
        (&[0.5, 1.25], Dtype::F4),
        (&[0.1], Dtype::F8),
        (&[1.0, f64::NAN], Dtype::F8),
        (&[-0.0], Dtype::F4),
        (&[f64::INFINITY, 1.5], Dtype::F4),
        (&[1e300], Dtype::F8),
    ];
    for (values, dtype) in cases {
        assert_eq!(Dtype::choose(values), *dtype, "{values:?}");
    }
}

#[test]
fn bdata_round_trips() {
    let values = [1.0, -5.0, 100.0];
    let (dtype, back) = round_trip(&values);
    assert_eq!(dtype, Dtype::I1);
    assert_eq!(back, values);
    let values = [0.1, 2.5e10, -3.75];
    assert_eq!(round_trip(&values), (Dtype::F8, values.to_vec()));
    let (dtype, back) = round_trip(&[1.5, f64::NAN, 3.0]);
    assert_eq!(dtype, Dtype::F8);
    assert!(back[1].is_nan());
    assert_eq!((back[0], back[2]), (1.5, 3.0));
}

#[test]
fn bytes_are_little_endian() {
    // 258 = 0x0102 as i2: bytes 02 01.
    let v = typed(&[258.0]);
    assert_eq!(v, json!({"dtype": "i2", "bdata": "AgE="}));
}

#[test]
fn json_encoding_writes_lists() {
    let _scope = EncodingScope::enter(ArrayEncoding::Json);
    let v = serde_json::to_value(DataArray::Numbers(vec![1.0, 2.5, f64::NAN])).unwrap();
    assert_eq!(v, json!([1, 2.5, null]));
    let m = DataMatrix::from_rows(&[vec![1.0, 2.0], vec![3.0, 4.5]]).unwrap();
    assert_eq!(serde_json::to_value(m).unwrap(), json!([[1, 2], [3, 4.5]]));
}

#[test]
fn scope_restores_encoding() {
    {
        let _scope = EncodingScope::enter(ArrayEncoding::Json);
        assert_eq!(current_encoding(), ArrayEncoding::Json);
    }
    assert_eq!(current_encoding(), ArrayEncoding::Typed);
}

#[test]
fn matrix_has_shape() {
    let m = DataMatrix::from_rows(&[vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]]).unwrap();
    let v = serde_json::to_value(&m).unwrap();
    assert_eq!(v["shape"], "2,3");
    assert_eq!(
        decode(v["dtype"].as_str().unwrap(), v["bdata"].as_str().unwrap()).unwrap(),
        m.values()
    );
    assert!(DataMatrix::from_rows(&[vec![1.0], vec![]]).is_none());
}

#[test]
fn text_stays_a_list_and_empty_numbers_are_a_list() {
    let v = serde_json::to_value(DataArray::from(vec!["a", "b"])).unwrap();
    assert_eq!(v, json!(["a", "b"]));
    let v = serde_json::to_value(DataArray::Numbers(vec![])).unwrap();
    assert_eq!(v, json!([]));
}

#[test]
fn decode_errors() {
    assert!(matches!(decode("i8", ""), Err(DecodeError::Dtype(_))));
    assert!(matches!(decode("f8", "!!"), Err(DecodeError::Base64(_))));
    assert!(matches!(
        decode("i2", "AA=="),
        Err(DecodeError::Length { .. })
    ));
}

proptest::proptest! {
    #[test]
    fn any_f64_round_trips(values in proptest::collection::vec(proptest::num::f64::ANY, 1..64)) {
        let (_, back) = round_trip(&values);
        proptest::prop_assert_eq!(back.len(), values.len());
        for (a, b) in values.iter().zip(&back) {
            proptest::prop_assert!(a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()));
        }
    }

    #[test]
    fn whole_numbers_round_trip(values in proptest::collection::vec(-5_000_000_000_i64..5_000_000_000, 1..64)) {
        #[allow(clippy::cast_precision_loss)]
        let values: Vec<f64> = values.into_iter().map(|v| v as f64).collect();
        let (dtype, back) = round_trip(&values);
        proptest::prop_assert_eq!(&back, &values);
        proptest::prop_assert_eq!(dtype, Dtype::choose(&values));
    }
}
