use serde_json::Value;

use crate::helpers::*;

const REFRESH: &str = "cargo run -- openapi > openapi/openapi.json";

#[test]
fn the_committed_spec_equals_what_the_code_generates() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
            .unwrap_or_default();
    let generated = ttdt::startup::spec_json();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date with the code; refresh it with `{REFRESH}` and commit it"
    );
}

#[tokio::test]
async fn the_served_spec_is_the_generated_one() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text, ttdt::startup::spec_json());
    assert_eq!(r.body["openapi"], "3.1.0");
}

#[test]
fn every_operation_is_documented_with_problems_and_security() {
    let spec: Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    assert!(spec["components"]["securitySchemes"]["bearer"].is_object());
    let mut operation_ids = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{at}: no operationId"));
            operation_ids.push(id.to_owned());
            assert!(
                op["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{at}: no tag"
            );
            let responses = op["responses"].as_object().unwrap();
            assert!(
                responses.contains_key("default"),
                "{at}: no default problem response"
            );
            for (status, res) in responses {
                assert!(
                    res["description"].as_str().is_some(),
                    "{at} {status}: no description"
                );
            }
            let problem =
                &responses["default"]["content"]["application/problem+json"]["schema"]["$ref"];
            assert_eq!(problem, "#/components/schemas/ProblemDetails", "{at}");
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            if secured {
                assert!(responses.contains_key("401"), "{at}: secured but no 401");
            }
            if path.contains('{') {
                assert!(
                    responses.contains_key("404"),
                    "{at}: takes an id but no 404"
                );
            }
            for status in ["400", "503"] {
                assert!(responses.contains_key(status), "{at}: no {status}");
            }
        }
    }
    let count = operation_ids.len();
    operation_ids.sort();
    operation_ids.dedup();
    assert_eq!(operation_ids.len(), count, "operation ids are unique");
    for expected in [
        "login",
        "refresh",
        "logout",
        "me",
        "list_users",
        "create_user",
        "create_category",
        "readyz",
    ] {
        assert!(
            operation_ids.iter().any(|id| id == expected),
            "{expected} missing"
        );
    }
}

#[tokio::test]
async fn swagger_ui_is_served_without_internet() {
    let app = spawn_app().await;
    let redirect = app.get("/docs", None).await;
    assert_eq!(redirect.status, 308);
    assert_eq!(redirect.header("location"), Some("/docs/"));
    let page = app.get("/docs/", None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("swagger"),
        "{}",
        &page.text[..200.min(page.text.len())]
    );
    let bundle = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(bundle.status, 200);
    assert!(bundle.text.len() > 100_000, "the vendored bundle is served");
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert!(init.text.contains("/api/v1/openapi.json"), "{}", init.text);
}

/// Every schema in the spec says what it is (a type, a reference, a composition, an enum), so
/// generated clients get types, not `unknown`; returns the places that do not.
fn untyped_schemas(schema: &Value, at: &str, found: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    let typed = ["type", "$ref", "oneOf", "anyOf", "allOf", "enum", "const"]
        .iter()
        .any(|k| object.contains_key(*k));
    if !typed {
        found.push(at.to_owned());
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(inner) = object.get(key).filter(|v| v.is_object()) {
            untyped_schemas(inner, &format!("{at}.{key}"), found);
        }
    }
    for key in ["oneOf", "anyOf", "allOf", "prefixItems"] {
        for (i, inner) in object
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            untyped_schemas(inner, &format!("{at}.{key}[{i}]"), found);
        }
    }
    for (name, inner) in object
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        untyped_schemas(inner, &format!("{at}.{name}"), found);
    }
}

/// Every `schema` under a parameter, a body, a response or a header.
fn operation_schemas(value: &Value, at: &str, out: &mut Vec<(String, Value)>) {
    match value {
        Value::Object(object) => {
            for (key, inner) in object {
                let here = format!("{at}/{key}");
                if key == "schema" {
                    out.push((here, inner.clone()));
                } else {
                    operation_schemas(inner, &here, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, inner) in items.iter().enumerate() {
                operation_schemas(inner, &format!("{at}[{i}]"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_spec_is_typed_throughout() {
    let spec: Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    let mut untyped = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        untyped_schemas(schema, name, &mut untyped);
    }
    let mut inline = Vec::new();
    operation_schemas(&spec["paths"], "paths", &mut inline);
    assert!(inline.len() > 100, "the walk finds the operations' schemas");
    for (at, schema) in &inline {
        untyped_schemas(schema, at, &mut untyped);
    }
    assert!(untyped.is_empty(), "schemas without a type: {untyped:#?}");

    // Every tag an operation uses is declared, with a description.
    let declared: Vec<&str> = spec["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            assert!(
                t["description"].as_str().is_some_and(|d| !d.is_empty()),
                "tag {t} has no description"
            );
            t["name"].as_str().unwrap()
        })
        .collect();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for tag in op["tags"].as_array().unwrap() {
                let tag = tag.as_str().unwrap();
                assert!(
                    declared.contains(&tag),
                    "{method} {path}: tag {tag} undeclared"
                );
            }
        }
    }

    // The problem code and the history entries are enums a client can switch on.
    let schemas = &spec["components"]["schemas"];
    let codes = schemas["ProblemDetails"]["properties"]["code"]["enum"]
        .as_array()
        .expect("ProblemDetails.code is an enum");
    for code in [
        "validation_failed",
        "not_found",
        "precondition_failed",
        "insufficient_storage",
    ] {
        assert!(codes.iter().any(|c| c == code), "{code} is in the enum");
    }
    let history = [
        "TransitionResponse",
        "Transition",
        "Status",
        "StepActor",
        "Role",
        "SystemActor",
    ]
    .map(|name| serde_json::to_string(&schemas[name]).unwrap())
    .join(" ");
    for needle in [
        "\"submit\"",
        "\"published\"",
        "\"scheduler\"",
        "\"editor_in_chief\"",
    ] {
        assert!(
            history.contains(needle),
            "history entries name {needle}: {history}"
        );
    }
}

/// The first string literal after `pos` in `text`, if only blanks (and, for `ApiError::new`,
/// a `StatusCode::…,` argument) come before it.
fn literal_after(text: &str, pos: usize) -> Option<&str> {
    let mut rest = text[pos..].trim_start();
    if let Some(after) = rest.strip_prefix("StatusCode::") {
        rest = after.split_once(',')?.1.trim_start();
    }
    let rest = rest.strip_prefix('"')?;
    rest.split_once('"').map(|(code, _)| code)
}

fn rust_sources(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
}

#[test]
fn every_problem_code_is_in_the_spec_enum_and_documented() {
    let codes = ttdt::error::PROBLEM_CODES;
    let mut sources = Vec::new();
    rust_sources(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
        &mut sources,
    );
    // Every constructor that takes a top-level code as its first string.
    let constructors = [
        "ApiError::new(",
        "ApiError::bad_request(",
        "ApiError::unauthorized(",
        "ApiError::forbidden_because(",
        "ApiError::conflict(",
        "ApiError::unprocessable(",
        "ApiError::unsupported_media_type(",
        "ApiError::payload_too_large(",
        "Self::conflict(",
        "Self::bad_request(",
        "Self::unprocessable(",
        ".with_code(",
    ];
    let mut seen = 0;
    for (file, text) in &sources {
        for constructor in constructors {
            for (pos, _) in text.match_indices(constructor) {
                let Some(code) = literal_after(text, pos + constructor.len()) else {
                    continue;
                };
                seen += 1;
                assert!(
                    codes.contains(&code),
                    "{file}: code {code:?} is not in error::PROBLEM_CODES (the spec's enum)"
                );
            }
        }
    }
    assert!(seen > 30, "the scan finds the codes in the source ({seen})");

    let conventions = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/api-conventions.md"
    ))
    .unwrap();
    let table = conventions
        .split("| Status | When | Codes |")
        .nth(1)
        .expect("docs/api-conventions.md has the table of codes")
        .split("\n\n")
        .next()
        .unwrap();
    for code in codes {
        assert!(
            table.contains(&format!("`{code}`")),
            "{code} is not in docs/api-conventions.md's table of codes"
        );
    }
}

/// Each kind has its own operations and schemas, so generated clients get one method and one
/// type per kind: article operations say "article" in their ids, and the bodies they take and
/// give are article schemas, or building blocks every kind shares.
#[test]
fn operations_and_schemas_are_kind_qualified() {
    const SHARED: &[&str] = &[
        "ProblemDetails",
        "TransitionRequest",
        "TransitionResponse",
        "FieldChange",
        // Pages of revision summaries and of workflow steps: no kind's fields in them.
        "RevisionPage",
        "HistoryPage",
    ];
    let spec: Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        let kind = ["/api/v1/articles", "/api/v1/editorial/articles"]
            .iter()
            .any(|p| path.starts_with(p));
        if !kind {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap();
            assert!(
                id.contains("article"),
                "{method} {path}: {id} names no kind"
            );
            let mut refs = Vec::new();
            collect_refs(&op["requestBody"], &mut refs);
            collect_refs(&op["responses"], &mut refs);
            for name in refs {
                assert!(
                    name.contains("Article") || SHARED.contains(&name.as_str()),
                    "{method} {path} uses {name}, which names no kind"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 15, "{checked}");
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                out.push(r.rsplit('/').next().unwrap().to_owned());
            }
            o.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// The property names of a schema, following `$ref` and `allOf` (a flattened part).
fn property_names(spec: &Value, schema: &Value, out: &mut Vec<String>) {
    if let Some(name) = schema["$ref"].as_str() {
        let name = name.trim_start_matches("#/components/schemas/");
        return property_names(spec, &spec["components"]["schemas"][name], out);
    }
    if let Some(props) = schema["properties"].as_object() {
        out.extend(props.keys().cloned());
    }
    for part in schema["allOf"].as_array().into_iter().flatten() {
        property_names(spec, part, out);
    }
}

/// A response made of flattened parts (the common columns and a kind's fields) never has
/// two parts naming the same field: one would silently hide the other on the wire.
#[test]
fn flattened_schemas_never_name_a_field_twice() {
    let spec: Value = serde_json::from_str(&ttdt::startup::spec_json()).unwrap();
    let mut clashes = Vec::new();
    for (name, schema) in spec["components"]["schemas"].as_object().unwrap() {
        let mut names = Vec::new();
        property_names(&spec, schema, &mut names);
        names.sort();
        for pair in names.windows(2) {
            if pair[0] == pair[1] {
                clashes.push(format!("{name}.{}", pair[0]));
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:?}");
}
