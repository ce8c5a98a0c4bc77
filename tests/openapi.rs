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
