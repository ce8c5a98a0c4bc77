use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn the_principal_manages_departments() {
    let app = spawn_app().await;
    let t = Some(app.principal_token.as_str());
    let r = app
        .post(
            "/api/v1/departments",
            t,
            json!({"name": "Tổ chuyên môn khối 1", "email": "to1@ths01muongmuon.edu.vn"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!("/api/v1/departments/{}", r.body["id"].as_str().unwrap());
    app.post(
        "/api/v1/departments",
        t,
        json!({"name": "Tổ chuyên môn khối 1"}),
    )
    .await
    .problem(409, "name_taken");
    let u = app.patch(&path, t, json!({"email": null})).await;
    assert_eq!(u.status, 200, "{}", u.text);
    assert_eq!(u.body["email"], json!(null));
    assert_eq!(u.body["name"], "Tổ chuyên môn khối 1");
    let bad = app.patch(&path, t, json!({"email": "not an email"})).await;
    assert_eq!(bad.field_errors(), vec!["email:email"]);
    assert_eq!(app.delete(&path, t).await.status, 204);
    app.get(&path, t).await.problem(404, "not_found");
}

#[tokio::test]
async fn other_roles_read_but_do_not_manage_departments() {
    let app = spawn_app().await;
    let id = app.department("Văn phòng").await;
    let chief = app.staff("editor_in_chief").await;
    let staff = app.staff("department_staff").await;
    for token in [&chief.token, &staff.token] {
        assert_eq!(
            app.get("/api/v1/departments", Some(token)).await.status,
            200
        );
        assert_eq!(
            app.get(&format!("/api/v1/departments/{id}"), Some(token))
                .await
                .status,
            200
        );
        app.post("/api/v1/departments", Some(token), json!({"name": "Mới"}))
            .await
            .problem(403, "forbidden");
        app.delete(&format!("/api/v1/departments/{id}"), Some(token))
            .await
            .problem(403, "forbidden");
    }
    app.get("/api/v1/departments", None)
        .await
        .problem(401, "authentication_required");
}

#[tokio::test]
async fn a_department_with_staff_cannot_be_deleted() {
    let app = spawn_app().await;
    let id = app.department("Bộ phận một cửa").await;
    app.staff_with("department_staff", json!({"department_id": id}))
        .await;
    app.delete(
        &format!("/api/v1/departments/{id}"),
        Some(&app.principal_token),
    )
    .await
    .problem(409, "department_in_use");
}
