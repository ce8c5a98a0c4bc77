//! `ttdt demo`: loads a sample school (`school.rs`: its board, categories, articles,
//! documents, procedure guides, pages, directory and teaching resources) into the configured database through the
//! real write path: it starts the service on a loopback port and writes everything over its
//! HTTP API as the school's staff would (the principal alone comes from the command line, as
//! on a real first start). It can run again: what is there is found by its slug, number or
//! e-mail and left alone, what is missing is added, and the staff get new passwords, printed.

mod files;
mod questions;
mod school;

use std::collections::HashMap;

use rand::RngCore;
use reqwest::{Method, StatusCode, multipart};
use serde_json::{Value, json};

use crate::config::Settings;
use crate::domain::text::slugify;
use crate::services::AuditContext;
use crate::startup::{Application, open_connection};
use school::Person;

/// What the run did, for the summary it prints.
#[derive(Default)]
struct Tally {
    added: usize,
    found: usize,
}

struct Api {
    http: reqwest::Client,
    base: String,
}

type Reply = (StatusCode, Option<String>, Value);

impl Api {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        if_match: Option<&str>,
        body: Option<Value>,
        form: Option<multipart::Form>,
    ) -> Result<Reply, String> {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(etag) = if_match {
            req = req.header("If-Match", etag);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        if let Some(form) = form {
            req = req.multipart(form);
        }
        let res = req
            .send()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let status = res.status();
        let etag = res
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = res
            .text()
            .await
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Ok((status, etag, value))
    }

    /// A call that must succeed; its answer's body.
    async fn ok(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        let (status, _, value) = self
            .send(method.clone(), path, token, None, body, None)
            .await?;
        expect(status.is_success(), &method, path, status, &value)?;
        Ok(value)
    }

    async fn get(&self, path: &str, token: &str) -> Result<Reply, String> {
        self.send(Method::GET, path, token, None, None, None).await
    }

    async fn login(&self, email: &str, password: &str) -> Result<String, String> {
        let res = self
            .http
            .post(format!("{}/auth/login", self.base))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .map_err(|e| format!("log in as {email}: {e}"))?;
        let status = res.status();
        let body: Value = res.json().await.unwrap_or(Value::Null);
        expect(
            status.is_success(),
            &Method::POST,
            "/auth/login",
            status,
            &body,
        )?;
        body["access_token"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| "log in: no access token".to_owned())
    }

    async fn upload(
        &self,
        token: &str,
        name: &str,
        bytes: Vec<u8>,
        mime: &str,
        text: &[(&str, String)],
    ) -> Result<String, String> {
        let part = multipart::Part::bytes(bytes)
            .file_name(name.to_owned())
            .mime_str(mime)
            .map_err(|e| e.to_string())?;
        let mut form = multipart::Form::new().part("file", part);
        for (k, v) in text {
            form = form.text(k.to_string(), v.clone());
        }
        let (status, _, value) = self
            .send(Method::POST, "/media", token, None, None, Some(form))
            .await?;
        expect(status.is_success(), &Method::POST, "/media", status, &value)?;
        id_of(&value)
    }
}

fn expect(
    ok: bool,
    method: &Method,
    path: &str,
    status: StatusCode,
    body: &Value,
) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(format!("{method} {path} answered {status}: {body}"))
    }
}

fn id_of(v: &Value) -> Result<String, String> {
    v["id"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no id in {v}"))
}

/// A password of 16 random letters and digits, new on every run.
fn new_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

fn email(p: &Person) -> String {
    format!("{}@{}", p.mailbox, school::DOMAIN)
}

/// The principal, as `ttdt user create` or `reset-password` makes them; whether it is new.
fn principal_account(settings: &Settings, password: &str) -> Result<bool, String> {
    use crate::auth::password::hash_password;
    use crate::services::users::{self, NewUserInput};
    let mut conn = open_connection(settings)?;
    let ctx = AuditContext::command_line();
    let p = &school::PRINCIPAL;
    let problem = |e: crate::error::ApiError| e.to_string();
    match users::find_by_email(&mut conn, &email(p)).map_err(problem)? {
        Some(user) => users::set_password(&mut conn, &ctx, None, &user.id, hash_password(password))
            .map(|()| false)
            .map_err(problem),
        None => users::create(
            &mut conn,
            &ctx,
            None,
            NewUserInput {
                email: email(p),
                display_name: p.name.to_owned(),
                password_hash: hash_password(password),
                role: crate::auth::Role::Principal,
                department_id: None,
                category_ids: Vec::new(),
            },
        )
        .map(|_| true)
        .map_err(problem),
    }
}

/// Every item of a staff list (following its cursor).
async fn all(api: &Api, path: &str, token: &str) -> Result<Vec<Value>, String> {
    let mut items = Vec::new();
    let mut cursor = String::new();
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let page = api
            .ok(
                Method::GET,
                &format!("{path}{sep}limit=100{cursor}"),
                token,
                None,
            )
            .await?;
        items.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return Ok(items),
        }
    }
}

struct Board {
    tokens: HashMap<&'static str, String>,
}

impl Board {
    fn token(&self, role: &str) -> &str {
        &self.tokens[role]
    }
}

/// Loads the sample school; prints what it did and the log-ins.
pub async fn run(mut settings: Settings) -> Result<(), String> {
    settings.bind = "127.0.0.1:0".parse().expect("a loopback address");
    // Before the service starts, so that it starts with its principal.
    let password = new_password();
    let principal_is_new = principal_account(&settings, &password)?;
    let app = Application::build(settings.clone()).await?;
    let port = app.port();
    let server = actix_web::rt::spawn(app.run_until_stopped());
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}/api/v1"),
    };
    let result = load(&api, password, principal_is_new).await;
    server.abort();
    let (logins, tallies) = result?;
    println!("Sample school loaded: {}", school::SCHOOL);
    for (what, t) in tallies {
        println!(
            "  {what:<18} {:>3} added, {:>3} already there",
            t.added, t.found
        );
    }
    println!();
    println!("Log-ins (new passwords on every run of `ttdt demo`):");
    for (role, email, password) in logins {
        println!("  {role:<17} {email:<32} {password}");
    }
    println!();
    println!("Start the server (`cargo run --release`) and open http://127.0.0.1:8080/docs/");
    Ok(())
}

type Logins = Vec<(&'static str, String, String)>;

async fn load(
    api: &Api,
    password: String,
    principal_is_new: bool,
) -> Result<(Logins, Vec<(&'static str, Tally)>), String> {
    let mut logins = Vec::new();
    let principal = api.login(&email(&school::PRINCIPAL), &password).await?;
    logins.push((school::PRINCIPAL.role, email(&school::PRINCIPAL), password));

    // The chief first: the categories come before the board member who reviews some.
    let mut people = Tally {
        added: usize::from(principal_is_new),
        found: usize::from(!principal_is_new),
    };
    let existing = all(api, "/users", &principal).await?;
    let mut tokens = HashMap::new();
    tokens.insert("principal", principal.clone());
    let department = department(api, &principal).await?;
    let mut categories = HashMap::new();
    let mut category_tally = Tally::default();
    for person in school::STAFF.iter() {
        if person.role == "board_member" {
            categories =
                ensure_categories(api, &tokens["editor_in_chief"], &mut category_tally).await?;
        }
        let password = new_password();
        let address = email(person);
        match existing.iter().find(|u| u["email"] == address.as_str()) {
            Some(user) => {
                let id = id_of(user)?;
                api.ok(
                    Method::PUT,
                    &format!("/users/{id}/password"),
                    &principal,
                    Some(json!({"password": password})),
                )
                .await?;
                people.found += 1;
            }
            None => {
                let mut body = json!({
                    "email": address, "display_name": person.name, "password": password,
                    "role": person.role,
                });
                if person.role == "department_staff" {
                    body["department_id"] = json!(department);
                }
                if person.role == "board_member" {
                    body["category_ids"] = json!(
                        school::MEMBER_REVIEWS
                            .iter()
                            .map(|c| categories[*c].clone())
                            .collect::<Vec<_>>()
                    );
                }
                api.ok(Method::POST, "/users", &principal, Some(body))
                    .await?;
                people.added += 1;
            }
        }
        tokens.insert(person.role, api.login(&address, &password).await?);
        logins.push((person.role, address, password));
    }
    let board = Board { tokens };
    let articles = articles(api, &board, &categories).await?;
    let (documents, ids) = documents(api, &board, &categories).await?;
    let guides = guides(api, &board, &categories, &ids).await?;
    let pages = pages(api, &board, &categories).await?;
    let directory = directory(api, &board, &categories).await?;
    let resources = resources(api, &board, &categories).await?;
    let links = links(api, &board, &categories).await?;
    let transfer = api
        .ok(
            Method::GET,
            &format!("/procedures/{}", school::GUIDES[0].slug),
            "",
            None,
        )
        .await?;
    let questions = questions::load(api, &board, &department, &id_of(&transfer)?).await?;
    Ok((
        logins,
        vec![
            ("staff accounts", people),
            ("categories", category_tally),
            ("articles", articles),
            ("documents", documents),
            ("procedure guides", guides),
            ("pages", pages),
            ("directory entries", directory),
            ("teaching resources", resources),
            ("links", links),
            ("questions", questions),
        ],
    ))
}

async fn department(api: &Api, principal: &str) -> Result<String, String> {
    let existing = all(api, "/departments", principal).await?;
    if let Some(d) = existing.iter().find(|d| d["name"] == school::DEPARTMENT) {
        return id_of(d);
    }
    let d = api
        .ok(
            Method::POST,
            "/departments",
            principal,
            Some(json!({"name": school::DEPARTMENT})),
        )
        .await?;
    id_of(&d)
}

/// The categories by name, made where missing.
async fn ensure_categories(
    api: &Api,
    chief: &str,
    tally: &mut Tally,
) -> Result<HashMap<&'static str, String>, String> {
    let existing = all(api, "/categories", chief).await?;
    let mut ids = HashMap::new();
    for (name, kind) in school::CATEGORIES {
        let id = match existing
            .iter()
            .find(|c| c["slug"] == slugify(name).as_str())
        {
            Some(c) => {
                tally.found += 1;
                id_of(c)?
            }
            None => {
                tally.added += 1;
                let c = api
                    .ok(
                        Method::POST,
                        "/categories",
                        chief,
                        Some(json!({"name": name, "kind": kind.as_str()})),
                    )
                    .await?;
                id_of(&c)?
            }
        };
        ids.insert(name, id);
    }
    Ok(ids)
}

/// Writes an item of `path` as `author` unless one with `slug` exists, then takes it through
/// review to published (the chief approves and publishes); returns its id.
async fn publish(
    api: &Api,
    board: &Board,
    path: &str,
    slug: &str,
    author: &str,
    body: impl AsyncFnOnce() -> Result<Value, String>,
    tally: &mut Tally,
) -> Result<String, String> {
    let chief = board.token("editor_in_chief");
    let (status, _, found) = api.get(&format!("/editorial/{path}/{slug}"), chief).await?;
    let id = if status == StatusCode::OK {
        tally.found += 1;
        id_of(&found)?
    } else {
        tally.added += 1;
        let mut body = body().await?;
        body["slug"] = json!(slug);
        let created = api
            .ok(
                Method::POST,
                &format!("/{path}"),
                board.token(author),
                Some(body),
            )
            .await?;
        id_of(&created)?
    };
    // Links are kept without review: their keepers publish the draft.
    let reviewed = path != "links";
    loop {
        let (_, etag, item) = api.get(&format!("/editorial/{path}/{id}"), chief).await?;
        let (step, token) = match item["status"].as_str() {
            Some("draft") if !reviewed => ("publish", chief),
            Some("draft" | "changes_requested") => ("submit", board.token(author)),
            Some("submitted") => ("approve", chief),
            Some("approved") => ("publish", chief),
            _ => return Ok(id),
        };
        let (status, _, answer) = api
            .send(
                Method::POST,
                &format!("/{path}/{id}/{step}"),
                token,
                etag.as_deref(),
                None,
                None,
            )
            .await?;
        expect(
            status.is_success(),
            &Method::POST,
            &format!("/{path}/{id}/{step}"),
            status,
            &answer,
        )?;
    }
}

async fn articles(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for (i, a) in school::ARTICLES.iter().enumerate() {
        // Contributors and the board member take turns; the board member writes news.
        let author = if i % 3 == 0 {
            "board_member"
        } else {
            "contributor"
        };
        let body = async || {
            let token = board.token(author);
            let photo = api
                .upload(
                    token,
                    &format!("{}.jpg", slugify(a.title)),
                    files::photo(i),
                    "image/jpeg",
                    &[
                        ("title", a.title.to_owned()),
                        ("alt_text", format!("Ảnh: {}", a.title)),
                        ("author", "Tổ truyền thông nhà trường".to_owned()),
                    ],
                )
                .await?;
            let [first, second] = school::body_paragraphs(a.category);
            Ok(json!({
                "title": a.title,
                "summary": a.summary,
                "body": format!("<p>{}</p><p>{first}</p><p>{second}</p>", a.summary),
                "category_id": categories[a.category],
                "tags": a.tags,
                "cover_media_id": photo,
                "event_date": a.event_date,
            }))
        };
        publish(
            api,
            board,
            "articles",
            &slugify(a.title),
            author,
            body,
            &mut tally,
        )
        .await?;
    }
    Ok(tally)
}

async fn documents(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<(Tally, HashMap<&'static str, String>), String> {
    let mut tally = Tally::default();
    let mut ids: HashMap<&'static str, String> = HashMap::new();
    for d in school::DOCUMENTS.iter() {
        let known = ids.clone();
        let body = async || {
            let token = board.token("deputy_editor");
            let pdf = files::pdf(&[
                d.issuer,
                &format!("So: {}", d.number),
                d.title,
                &format!("Ngay ky: {}", d.signed_on),
            ]);
            let file = api
                .upload(
                    token,
                    &format!("{}.pdf", d.slug),
                    pdf,
                    "application/pdf",
                    &[("title", format!("{} {}", d.number, d.title))],
                )
                .await?;
            let relations: Vec<Value> = d
                .relations
                .iter()
                .map(|(kind, slug)| json!({"kind": kind, "document_id": known[slug]}))
                .collect();
            Ok(json!({
                "number": d.number, "form": d.form, "title": d.title, "issuer": d.issuer,
                "signer": d.signer, "signer_title": d.signer_title, "signed_on": d.signed_on,
                "effective_on": d.effective_on, "category_id": categories[d.category],
                "file_ids": [file], "relations": relations,
            }))
        };
        let id = publish(
            api,
            board,
            "documents",
            d.slug,
            "deputy_editor",
            body,
            &mut tally,
        )
        .await?;
        ids.insert(d.slug, id);
    }
    Ok((tally, ids))
}

async fn guides(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
    documents: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for g in school::GUIDES.iter() {
        let body = async || {
            let token = board.token("contributor");
            let mut papers = Vec::new();
            for (name, copy, copies, form) in g.papers {
                let form_id = if *form {
                    let pdf = files::pdf(&[
                        school::SCHOOL,
                        &name.to_uppercase(),
                        "Kinh gui: Hieu truong nha truong",
                        "Ho va ten: ..........................",
                    ]);
                    Some(
                        api.upload(
                            token,
                            &format!("mau-{}.pdf", slugify(name)),
                            pdf,
                            "application/pdf",
                            &[("title", format!("Mẫu {}", name.to_lowercase()))],
                        )
                        .await?,
                    )
                } else {
                    None
                };
                papers.push(
                    json!({"name": name, "copy": copy, "copies": copies, "form_media_id": form_id}),
                );
            }
            let mut submission = vec![
                json!({"method": "in_person", "place": school::OFFICE}),
                json!({"method": "post", "place": school::POST_ADDRESS}),
            ];
            if g.online {
                submission.push(json!({"method": "online", "url": "https://dichvucong.gov.vn"}));
            }
            Ok(json!({
                "title": g.title, "code": g.code, "field": g.field, "applicants": g.applicants,
                "steps": g.steps.iter().map(|(title, text)| json!({"title": title, "text": text})).collect::<Vec<_>>(),
                "papers": papers, "processing_days": g.processing_days, "fee_vnd": g.fee_vnd,
                "submission": submission, "unit": school::SCHOOL, "result": g.result,
                "category_id": categories["Thủ tục hành chính"],
                "legal_basis": g.legal_basis.iter().map(|s| documents[s].clone()).collect::<Vec<_>>(),
            }))
        };
        publish(
            api,
            board,
            "procedures",
            g.slug,
            "contributor",
            body,
            &mut tally,
        )
        .await?;
    }
    Ok(tally)
}

async fn pages(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let mut ids: HashMap<&str, String> = HashMap::new();
    for (slug, title, parent, position, body) in school::PAGES {
        let parent_id = parent.map(|p| ids[p].clone());
        let page = async || {
            Ok(json!({
                "title": title, "body": body, "position": position, "parent_id": parent_id,
                "summary": title, "category_id": categories["Giới thiệu"],
            }))
        };
        let id = publish(api, board, "pages", slug, "deputy_editor", page, &mut tally).await?;
        ids.insert(slug, id);
    }
    Ok(tally)
}

async fn directory(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for (i, m) in school::DIRECTORY.iter().enumerate() {
        let entry = async || {
            let token = board.token("deputy_editor");
            let photo = api
                .upload(
                    token,
                    &format!("{}.jpg", m.slug),
                    files::photo(100 + i),
                    "image/jpeg",
                    &[
                        ("title", m.name.to_owned()),
                        (
                            "alt_text",
                            format!("Ảnh chân dung {} {}", m.position.to_lowercase(), m.name),
                        ),
                    ],
                )
                .await?;
            let contacts: Vec<Value> = m
                .contacts
                .iter()
                .map(
                    |(kind, value, public)| json!({"kind": kind, "value": value, "public": public}),
                )
                .collect();
            Ok(json!({
                "title": m.name, "position": m.position, "unit": m.unit, "order": m.order,
                "term_start": m.term.0, "term_end": m.term.1, "contacts": contacts, "bio": m.bio,
                "photo_media_id": photo, "category_id": categories["Giới thiệu"],
            }))
        };
        publish(
            api,
            board,
            "leadership",
            m.slug,
            "deputy_editor",
            entry,
            &mut tally,
        )
        .await?;
    }
    Ok(tally)
}

async fn resources(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    let (_, _, me) = api.get("/me", board.token("contributor")).await?;
    let contributor = id_of(&me)?;
    for (i, r) in school::RESOURCES.iter().enumerate() {
        let resource = async || {
            let token = board.token("contributor");
            let pdf = files::pdf(&[
                school::SCHOOL,
                r.title,
                &format!("Nam hoc {}", r.school_year),
            ]);
            let file = api
                .upload(
                    token,
                    &format!("{}.pdf", r.slug),
                    pdf,
                    "application/pdf",
                    &[("title", r.title.to_owned())],
                )
                .await?;
            let mut authors: Vec<Value> = r.authors.iter().map(|n| json!({"name": n})).collect();
            if i % 2 == 0 || authors.is_empty() {
                authors.insert(0, json!({"user_id": contributor}));
            }
            Ok(json!({
                "title": r.title, "resource_type": r.resource_type, "authors": authors,
                "school_year": r.school_year, "subject": r.subject, "grade": r.grade,
                "summary": r.summary, "award": r.award, "file_ids": [file],
                "category_id": categories["Tài nguyên dạy học"],
            }))
        };
        publish(
            api,
            board,
            "resources",
            r.slug,
            "contributor",
            resource,
            &mut tally,
        )
        .await?;
    }
    Ok(tally)
}

async fn links(
    api: &Api,
    board: &Board,
    categories: &HashMap<&str, String>,
) -> Result<Tally, String> {
    let mut tally = Tally::default();
    for (title, url, group, order) in school::LINKS {
        let link = async || {
            Ok(json!({
                "title": title, "url": url, "group": group, "order": order,
                "category_id": categories["Liên kết"],
            }))
        };
        publish(
            api,
            board,
            "links",
            &slugify(title),
            "technician",
            link,
            &mut tally,
        )
        .await?;
    }
    Ok(tally)
}
