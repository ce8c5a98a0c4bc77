use serde_json::json;

use crate::helpers::*;

const ROLES: [&str; 7] = [
    "principal",
    "editor_in_chief",
    "deputy_editor",
    "board_member",
    "contributor",
    "technician",
    "department_staff",
];

#[tokio::test]
async fn who_may_create_which_accounts() {
    let app = spawn_app().await;
    let dept = app.department("Tổ chuyên môn 1").await;
    let mut actors = vec![("principal", app.principal_token.clone())];
    for role in &ROLES[1..] {
        actors.push((role, app.staff(role).await.token));
    }
    for (actor, token) in &actors {
        for target in ROLES {
            let expected = match *actor {
                "principal" => 201,
                "editor_in_chief" | "deputy_editor" if target == "contributor" => 201,
                _ => 403,
            };
            let email = format!("{actor}-makes-{target}@x.vn");
            let r = app
                .post(
                    "/api/v1/users",
                    Some(token),
                    json!({"email": email, "display_name": "Người mới", "password": STAFF_PASSWORD,
                           "role": target, "department_id": dept}),
                )
                .await;
            assert_eq!(
                r.status.as_u16(),
                expected,
                "{actor} creating {target}: {}",
                r.text
            );
            if expected == 403 {
                r.problem(403, "forbidden");
            }
        }
    }
}

#[tokio::test]
async fn who_may_list_and_read_accounts() {
    let app = spawn_app().await;
    let other = app.staff("contributor").await;
    for role in ROLES[1..].iter() {
        let s = app.staff(role).await;
        let list = app.get("/api/v1/users", Some(&s.token)).await;
        let may_list = matches!(*role, "editor_in_chief" | "deputy_editor");
        if may_list {
            assert_eq!(list.status, 200, "{role}");
            assert!(list.body["items"].as_array().unwrap().len() >= 3);
        } else {
            list.problem(403, "forbidden");
        }
        // Everyone reads themselves; only the managers read others (others see a 404).
        let me = app
            .get(&format!("/api/v1/users/{}", s.id), Some(&s.token))
            .await;
        assert_eq!(me.status, 200, "{role}");
        let them = app
            .get(&format!("/api/v1/users/{}", other.id), Some(&s.token))
            .await;
        if may_list {
            assert_eq!(them.status, 200);
        } else {
            them.problem(404, "not_found");
        }
    }
    app.get("/api/v1/users", None)
        .await
        .problem(401, "authentication_required");
}

#[tokio::test]
async fn the_chief_and_deputy_manage_contributors_only() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let deputy = app.staff("deputy_editor").await;
    let contributor = app.staff("contributor").await;
    let member = app.staff("board_member").await;

    for manager in [&chief, &deputy] {
        let r = app
            .patch(
                &format!("/api/v1/users/{}", contributor.id),
                Some(&manager.token),
                json!({"display_name": "Cộng tác viên A"}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        // Promoting a contributor, or touching anyone else, is the principal's.
        app.patch(
            &format!("/api/v1/users/{}", contributor.id),
            Some(&manager.token),
            json!({"role": "board_member"}),
        )
        .await
        .problem(403, "forbidden");
        app.patch(
            &format!("/api/v1/users/{}", member.id),
            Some(&manager.token),
            json!({"disabled": true}),
        )
        .await
        .problem(403, "forbidden");
        app.put(
            &format!("/api/v1/users/{}/password", member.id),
            Some(&manager.token),
            json!({"password": "Mật khẩu mới 2025"}),
        )
        .await
        .problem(403, "forbidden");
    }
    // Nothing happened to the board member.
    let m = app
        .get(
            &format!("/api/v1/users/{}", member.id),
            Some(&app.principal_token),
        )
        .await;
    assert_eq!(m.body["disabled"], false);
    app.login_ok(&member.email, &member.password).await;

    let reset = app
        .put(
            &format!("/api/v1/users/{}/password", contributor.id),
            Some(&deputy.token),
            json!({"password": "Mật khẩu mới 2025"}),
        )
        .await;
    assert_eq!(reset.status, 204);
    app.login_ok(&contributor.email, "Mật khẩu mới 2025").await;
}

#[tokio::test]
async fn the_last_active_principal_cannot_be_demoted_or_disabled() {
    let app = spawn_app().await;
    let me = app.get("/api/v1/me", Some(&app.principal_token)).await;
    let path = format!("/api/v1/users/{}", me.body["id"].as_str().unwrap());
    app.patch(&path, Some(&app.principal_token), json!({"disabled": true}))
        .await
        .problem(409, "last_principal");
    app.patch(
        &path,
        Some(&app.principal_token),
        json!({"role": "technician"}),
    )
    .await
    .problem(409, "last_principal");
    assert_eq!(
        app.get("/api/v1/me", Some(&app.principal_token)).await.body["role"],
        "principal"
    );
    // With a second principal, the first may step down.
    app.staff("principal").await;
    let r = app
        .patch(
            &path,
            Some(&app.principal_token),
            json!({"role": "technician"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn emails_are_unique_whatever_their_case() {
    let app = spawn_app().await;
    let r = app
        .post(
            "/api/v1/users",
            Some(&app.principal_token),
            json!({"email": "HieuTruong@ths01muongmuon.edu.vn", "display_name": "X", "password": STAFF_PASSWORD, "role": "contributor"}),
        )
        .await;
    r.problem(409, "email_taken");
}

#[tokio::test]
async fn role_specific_fields_are_checked() {
    let app = spawn_app().await;
    let token = app.principal_token.clone();
    let base = |role: &str| json!({"email": format!("{role}@x.vn"), "display_name": "X", "password": STAFF_PASSWORD, "role": role});

    let r = app
        .post("/api/v1/users", Some(&token), base("department_staff"))
        .await;
    r.problem(422, "validation_failed");
    assert_eq!(r.field_errors(), vec!["department_id:required"]);

    let mut body = base("department_staff");
    body["department_id"] = json!("01900000-0000-7000-8000-000000000000");
    let r = app.post("/api/v1/users", Some(&token), body).await;
    assert_eq!(r.field_errors(), vec!["department_id:unknown_department"]);

    let cat = app.category("Tin tức", "news").await;
    let mut body = base("contributor");
    body["category_ids"] = json!([cat]);
    let r = app.post("/api/v1/users", Some(&token), body).await;
    assert_eq!(r.field_errors(), vec!["category_ids:not_a_board_member"]);

    let mut body = base("board_member");
    body["category_ids"] = json!([cat, "01900000-0000-7000-8000-000000000000"]);
    let r = app.post("/api/v1/users", Some(&token), body).await;
    assert_eq!(r.field_errors(), vec!["category_ids:unknown_category"]);

    // None of those attempts created an account.
    let list = app.get("/api/v1/users?limit=100", Some(&token)).await;
    let emails: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap())
        .collect();
    assert!(!emails.iter().any(|e| e.ends_with("@x.vn")), "{emails:?}");
}

#[tokio::test]
async fn a_board_member_carries_their_categories_in_the_token() {
    let app = spawn_app().await;
    let news = app.category("Tin tức", "news").await;
    let docs = app.category("Văn bản", "legal_documents").await;
    let member = app
        .staff_with("board_member", json!({"category_ids": [news, docs]}))
        .await;
    let mut expected = vec![news.clone(), docs.clone()];
    expected.sort();
    assert_eq!(claims_of(&member.token)["cats"], json!(expected));

    // Reassigning changes the claims: the old token stops, a new login carries the new set.
    let r = app
        .patch(
            &format!("/api/v1/users/{}", member.id),
            Some(&app.principal_token),
            json!({"category_ids": [news]}),
        )
        .await;
    assert_eq!(r.body["category_ids"], json!([news]));
    app.get("/api/v1/me", Some(&member.token))
        .await
        .problem(401, "invalid_token");
    let fresh = app.login_ok(&member.email, &member.password).await;
    assert_eq!(
        claims_of(fresh["access_token"].as_str().unwrap())["cats"],
        json!([news])
    );
}

#[tokio::test]
async fn department_staff_carry_their_department_in_the_token() {
    let app = spawn_app().await;
    let dept = app.department("Bộ phận một cửa").await;
    let staff = app
        .staff_with("department_staff", json!({"department_id": dept}))
        .await;
    assert_eq!(claims_of(&staff.token)["dept"], json!(dept));
}

#[tokio::test]
async fn the_chief_grants_and_revokes_the_deputys_publishing_delegation() {
    let app = spawn_app().await;
    let chief = app.staff("editor_in_chief").await;
    let deputy = app.staff("deputy_editor").await;
    let path = format!("/api/v1/users/{}/publishing-delegation", deputy.id);
    assert_eq!(claims_of(&deputy.token)["pub"], false);

    app.put(
        &path,
        Some(&app.principal_token),
        json!({"delegated": true}),
    )
    .await
    .problem(403, "forbidden");
    app.put(&path, Some(&deputy.token), json!({"delegated": true}))
        .await
        .problem(403, "forbidden");

    let r = app
        .put(&path, Some(&chief.token), json!({"delegated": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["publish_delegation"], true);
    app.get("/api/v1/me", Some(&deputy.token))
        .await
        .problem(401, "invalid_token");
    let granted = app.login_ok(&deputy.email, &deputy.password).await;
    assert_eq!(
        claims_of(granted["access_token"].as_str().unwrap())["pub"],
        true
    );
    assert_eq!(app.count_audit("user.delegation.grant", &deputy.id), 1);

    let r = app
        .put(&path, Some(&chief.token), json!({"delegated": false}))
        .await;
    assert_eq!(r.body["publish_delegation"], false);
    let revoked = app.login_ok(&deputy.email, &deputy.password).await;
    assert_eq!(
        claims_of(revoked["access_token"].as_str().unwrap())["pub"],
        false
    );

    let contributor = app.staff("contributor").await;
    app.put(
        &format!("/api/v1/users/{}/publishing-delegation", contributor.id),
        Some(&chief.token),
        json!({"delegated": true}),
    )
    .await
    .problem(409, "not_a_deputy");
}

#[tokio::test]
async fn names_are_stored_in_nfc() {
    let app = spawn_app().await;
    // "Nguyễn" typed with combining marks (NFD).
    let nfd = "Nguye\u{0302}\u{0303}n Thi\u{0323} Hoa\u{0300}";
    let r = app
        .post(
            "/api/v1/users",
            Some(&app.principal_token),
            json!({"email": "hoa@x.vn", "display_name": nfd, "password": STAFF_PASSWORD, "role": "contributor"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["display_name"], "Nguyễn Thị Hoà");
}

#[tokio::test]
async fn a_body_cannot_set_server_owned_fields() {
    let app = spawn_app().await;
    for (field, value) in [
        ("id", json!("my-own-id")),
        ("password_hash", json!("$argon2id$x")),
        ("token_version", json!(7)),
        ("publish_delegation", json!(true)),
    ] {
        let mut body = json!({"email": "a@x.vn", "display_name": "A", "password": STAFF_PASSWORD, "role": "contributor"});
        body[field] = value;
        let r = app
            .post("/api/v1/users", Some(&app.principal_token), body)
            .await;
        r.problem(400, "malformed_json");
        assert!(
            r.body["detail"].as_str().unwrap().contains(field),
            "{}",
            r.text
        );
    }
    assert_eq!(app.login("a@x.vn", STAFF_PASSWORD).await.status, 401);
}

#[tokio::test]
async fn creating_an_account_is_audited_with_who_and_where() {
    let app = spawn_app().await;
    let s = app.staff("technician").await;
    assert_eq!(app.count_audit("user.create", &s.id), 1);
}

#[tokio::test]
async fn user_lists_page_with_an_opaque_cursor() {
    let app = spawn_app().await;
    for _ in 0..4 {
        app.staff("contributor").await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=2".to_string();
    loop {
        let r = app.get(&path, Some(&app.principal_token)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let items = r.body["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|u| u["id"].as_str().unwrap().to_owned()));
        match r.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/users?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "stable order, no duplicates");

    let only = app
        .get("/api/v1/users?role=principal", Some(&app.principal_token))
        .await;
    assert_eq!(only.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_list_parameters_are_400() {
    let app = spawn_app().await;
    let t = Some(app.principal_token.as_str());
    app.get("/api/v1/users?limit=0", t)
        .await
        .problem(400, "invalid_limit");
    app.get("/api/v1/users?limit=101", t)
        .await
        .problem(400, "invalid_limit");
    app.get("/api/v1/users?limit=abc", t)
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/users?role=admin", t)
        .await
        .problem(400, "invalid_query");
    app.get("/api/v1/users?cursor=not-a-cursor", t)
        .await
        .problem(400, "invalid_cursor");
}

#[tokio::test]
async fn no_one_resets_their_own_password_without_the_current_one() {
    // A stolen 15-minute access token must not become a permanent takeover.
    let app = spawn_app().await;
    let me = app.get("/api/v1/me", Some(&app.principal_token)).await;
    let principal = Staff {
        id: me.body["id"].as_str().unwrap().to_owned(),
        email: PRINCIPAL_EMAIL.to_owned(),
        password: PRINCIPAL_PASSWORD.to_owned(),
        token: app.principal_token.clone(),
    };
    let chief = app.staff("editor_in_chief").await;
    let deputy = app.staff("deputy_editor").await;
    for who in [&principal, &chief, &deputy] {
        let r = app
            .put(
                &format!("/api/v1/users/{}/password", who.id),
                Some(&who.token),
                json!({"password": "Mật khẩu của kẻ trộm 99"}),
            )
            .await;
        r.problem(403, "own_account");
        assert_eq!(
            app.login(&who.email, "Mật khẩu của kẻ trộm 99")
                .await
                .status,
            401
        );
        app.login_ok(&who.email, &who.password).await;
        // The token still works: nothing changed.
        assert_eq!(app.get("/api/v1/me", Some(&who.token)).await.status, 200);
    }
    // The way to change one's own: with the current password.
    let r = app
        .put(
            "/api/v1/me/password",
            Some(&chief.token),
            json!({"current_password": chief.password, "new_password": "Mật khẩu mới của tôi 25"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    app.login_ok(&chief.email, "Mật khẩu mới của tôi 25").await;
}

#[tokio::test]
async fn two_principals_stepping_down_at_once_leave_one_in_office() {
    // PostgreSQL runs READ COMMITTED: without a lock, both see the other still active and both
    // step down. Repeated, since a race shows only sometimes.
    let app = spawn_app_with(&[("TTDT_WORKERS", "2"), ("TTDT_DB_POOL_SIZE", "6")]).await;
    let me = app.get("/api/v1/me", Some(&app.principal_token)).await;
    let first_id = me.body["id"].as_str().unwrap().to_owned();
    let second = app.staff("principal").await;
    let accounts = [
        (first_id, PRINCIPAL_EMAIL.to_owned(), PRINCIPAL_PASSWORD),
        (second.id, second.email, STAFF_PASSWORD),
    ];
    for round in 0..20 {
        let mut tokens = Vec::new();
        for (_, email, password) in &accounts {
            tokens.push(
                app.login_ok(email, password).await["access_token"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let change = if round % 2 == 0 {
            json!({"disabled": true})
        } else {
            json!({"role": "technician"})
        };
        let steps = accounts.iter().zip(&tokens).map(|((id, _, _), token)| {
            let (app, path, change) = (&app, format!("/api/v1/users/{id}"), change.clone());
            async move { app.patch(&path, Some(token), change).await }
        });
        let answers = futures::future::join_all(steps).await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
        statuses.sort();
        assert_eq!(statuses, vec![200, 409], "round {round}: {answers:?}");
        let stepped_down = answers.iter().position(|r| r.status == 200).unwrap();
        answers[1 - stepped_down].problem(409, "last_principal");
        // The one still in office brings the other back for the next round.
        let restored = app
            .patch(
                &format!("/api/v1/users/{}", accounts[stepped_down].0),
                Some(&tokens[1 - stepped_down]),
                json!({"disabled": false, "role": "principal"}),
            )
            .await;
        assert_eq!(restored.status, 200, "{}", restored.text);
    }
}
