//! JSON Schemas of callback arguments, traced from the argument type's own
//! `Deserialize` implementation (no extra derive): a struct's fields, which
//! are optional, lists, maps, enums' variants, integer ranges.
//!
//! Types whose deserializer decides by looking at the data (`serde_json::Value`,
//! untagged or internally tagged enums, flattened fields) cannot be traced:
//! their schema is `{}`, any JSON value.

use std::collections::BTreeSet;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use serde_reflection::{
    ContainerFormat, Format, Named, Registry, Samples, Tracer, TracerConfig, VariantFormat,
};

/// How deep types are inlined; deeper (recursive) parts accept any value.
const MAX_DEPTH: usize = 12;

/// The JSON Schema of `T`'s JSON form, `{}` when it cannot be traced.
pub(crate) fn of<T: DeserializeOwned>() -> Value {
    trace::<T>().map_or_else(
        || json!({}),
        |(root, registry)| to_schema(&root, &registry, 0),
    )
}

/// Traces `T`, every variant of every enum in it included.
fn trace<T: DeserializeOwned>() -> Option<(Format, Registry)> {
    let samples = Samples::new();
    // An enum nested in a struct is only explored further once its name is
    // known; each round learns the names the last one found.
    let mut enums: BTreeSet<String> = BTreeSet::new();
    for _ in 0..4 {
        let mut tracer = Tracer::new(TracerConfig::default().is_human_readable(true));
        let mut root = Format::Unit;
        for _ in 0..64 {
            let (format, _value) = tracer.trace_type_once::<T>(&samples).ok()?;
            let mut more = false;
            if let Format::TypeName(name) = &format {
                more |= tracer.check_incomplete_enum(name).is_some();
            }
            for name in &enums {
                more |= tracer.check_incomplete_enum(name).is_some();
            }
            root = format;
            if !more {
                break;
            }
        }
        let registry = tracer.registry_unchecked();
        let found: BTreeSet<String> = registry
            .iter()
            .filter(|(_, c)| matches!(c, ContainerFormat::Enum(_)))
            .map(|(name, _)| name.clone())
            .collect();
        if found.is_subset(&enums) {
            return Some((root, registry));
        }
        enums.extend(found);
    }
    None
}

/// Whether a format accepts `null` (an `Option`, a unit).
pub(crate) fn is_nullable(schema: &Value) -> bool {
    match schema.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        // `{}` takes anything, null included.
        _ => schema.as_object().is_some_and(Map::is_empty),
    }
}

fn integer(min: i128, max: u128) -> Value {
    json!({"type": "integer", "minimum": min, "maximum": max})
}

fn nullable(mut schema: Value) -> Value {
    if let Some(Value::String(t)) = schema.get("type").cloned()
        && let Some(map) = schema.as_object_mut()
    {
        map.insert("type".into(), json!([t, "null"]));
        // A list of allowed values must allow null too.
        if let Some(Value::Array(allowed)) = map.get_mut("enum") {
            allowed.push(Value::Null);
        }
        return schema;
    }
    if is_nullable(&schema) {
        return schema;
    }
    json!({"anyOf": [schema, {"type": "null"}]})
}

fn fields_schema(fields: &[Named<Format>], registry: &Registry, depth: usize) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in fields {
        let schema = to_schema(&field.value, registry, depth + 1);
        if !is_nullable(&schema) {
            required.push(Value::String(field.name.clone()));
        }
        properties.insert(field.name.clone(), schema);
    }
    json!({"type": "object", "properties": properties, "required": required})
}

fn tuple_schema(items: &[Format], registry: &Registry, depth: usize) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|f| to_schema(f, registry, depth + 1))
        .collect();
    json!({"type": "array", "prefixItems": items, "minItems": items.len(), "maxItems": items.len()})
}

fn variant_schema(name: &str, variant: &VariantFormat, registry: &Registry, depth: usize) -> Value {
    let content = match variant {
        VariantFormat::Unit => return json!({"const": name}),
        VariantFormat::NewType(f) => to_schema(f, registry, depth + 1),
        VariantFormat::Tuple(fs) => tuple_schema(fs, registry, depth),
        VariantFormat::Struct(fields) => fields_schema(fields, registry, depth),
        // Not traced (unreachable once tracing finished): anything.
        VariantFormat::Variable(_) => json!({}),
    };
    json!({
        "type": "object",
        "properties": {name: content},
        "required": [name],
        "additionalProperties": false,
    })
}

fn container_schema(container: &ContainerFormat, registry: &Registry, depth: usize) -> Value {
    match container {
        ContainerFormat::UnitStruct => json!({"type": "null"}),
        ContainerFormat::NewTypeStruct(f) => to_schema(f, registry, depth + 1),
        ContainerFormat::TupleStruct(fs) => tuple_schema(fs, registry, depth),
        ContainerFormat::Struct(fields) => fields_schema(fields, registry, depth),
        ContainerFormat::Enum(variants) => {
            let all_unit = variants
                .values()
                .all(|v| matches!(v.value, VariantFormat::Unit));
            if all_unit {
                let names: Vec<&str> = variants.values().map(|v| v.name.as_str()).collect();
                json!({"type": "string", "enum": names})
            } else {
                let one_of: Vec<Value> = variants
                    .values()
                    .map(|v| variant_schema(&v.name, &v.value, registry, depth))
                    .collect();
                json!({"oneOf": one_of})
            }
        }
    }
}

/// The JSON Schema of one traced format.
fn to_schema(format: &Format, registry: &Registry, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return json!({});
    }
    match format {
        Format::TypeName(name) => registry
            .get(name)
            .map_or_else(|| json!({}), |c| container_schema(c, registry, depth)),
        Format::Unit => json!({"type": "null"}),
        Format::Bool => json!({"type": "boolean"}),
        Format::I8 => integer(i8::MIN.into(), 127),
        Format::I16 => integer(i16::MIN.into(), 32_767),
        Format::I32 => integer(i32::MIN.into(), 2_147_483_647),
        Format::U8 => integer(0, u8::MAX.into()),
        Format::U16 => integer(0, u16::MAX.into()),
        Format::U32 => integer(0, u32::MAX.into()),
        Format::U64 | Format::U128 => json!({"type": "integer", "minimum": 0}),
        Format::I64 | Format::I128 => json!({"type": "integer"}),
        Format::F32 | Format::F64 => json!({"type": "number"}),
        Format::Char => json!({"type": "string", "minLength": 1, "maxLength": 1}),
        Format::Str => json!({"type": "string"}),
        Format::Bytes => json!({"type": "array", "items": integer(0, 255)}),
        Format::Option(inner) => nullable(to_schema(inner, registry, depth + 1)),
        Format::Seq(inner) => {
            json!({"type": "array", "items": to_schema(inner, registry, depth + 1)})
        }
        Format::Map { value, .. } => {
            json!({"type": "object", "additionalProperties": to_schema(value, registry, depth + 1)})
        }
        Format::Tuple(items) => tuple_schema(items, registry, depth),
        Format::TupleArray { content, size } => json!({
            "type": "array",
            "items": to_schema(content, registry, depth + 1),
            "minItems": size,
            "maxItems": size,
        }),
        // Not traced: anything.
        Format::Variable(_) => json!({}),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Filters {
        account: String,
        days: Option<u16>,
        #[serde(rename = "projectIds")]
        projects: Vec<String>,
        kind: Kind,
        weights: HashMap<String, f64>,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    #[serde(rename_all = "lowercase")]
    enum Kind {
        Video,
        Audio,
    }

    #[derive(Deserialize)]
    #[allow(dead_code)]
    enum Shape {
        Point,
        Circle(f64),
        Rect { w: u8, h: u8 },
    }

    #[test]
    fn plain_types_have_their_json_types() {
        assert_eq!(of::<String>(), json!({"type": "string"}));
        assert_eq!(of::<Option<String>>(), json!({"type": ["string", "null"]}));
        assert_eq!(of::<bool>(), json!({"type": "boolean"}));
        assert_eq!(
            of::<u8>(),
            json!({"type": "integer", "minimum": 0, "maximum": 255})
        );
        assert_eq!(
            of::<Vec<Option<u64>>>(),
            json!({"type": "array", "items": {"type": ["integer", "null"], "minimum": 0}})
        );
        assert_eq!(of::<f64>(), json!({"type": "number"}));
        // Decided by the data itself: anything.
        assert_eq!(of::<Value>(), json!({}));
        assert!(is_nullable(&of::<Value>()));
    }

    #[test]
    fn structs_and_enums_nested_in_them_are_traced_whole() {
        let schema = of::<Filters>();
        assert_eq!(schema["type"], "object");
        assert_eq!(
            schema["required"],
            json!(["account", "projectIds", "kind", "weights"])
        );
        assert_eq!(
            schema["properties"]["days"]["type"],
            json!(["integer", "null"])
        );
        assert_eq!(
            schema["properties"]["kind"],
            json!({"type": "string", "enum": ["video", "audio"]})
        );
        assert_eq!(
            schema["properties"]["weights"],
            json!({"type": "object", "additionalProperties": {"type": "number"}})
        );
        assert_eq!(
            of::<Option<Kind>>(),
            json!({"type": ["string", "null"], "enum": ["video", "audio", null]})
        );
        let shape = of::<Option<Shape>>();
        let variants = shape["anyOf"][0]["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), 3, "{shape}");
        assert!(variants.contains(&json!({"const": "Point"})));
        assert!(
            variants
                .iter()
                .any(|v| v["properties"]["Rect"]["required"] == json!(["w", "h"]))
        );
    }
}
