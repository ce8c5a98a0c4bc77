//! `Application::build`: pool, migrations, first principal, keys, and the HTTP server. `main`
//! and the tests both start the service through it.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use actix_cors::Cors;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest};
use actix_web::middleware::{Logger, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, get, http::header, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, UtoipaApp};
use utoipa_swagger_ui::{Config as SwaggerConfig, SwaggerUi};

use crate::api::{self, health, middleware};
use crate::auth::Role;
use crate::auth::jwt::JwtKeys;
use crate::auth::password::{self, Passwords};
use crate::auth::ratelimit::LoginLimiter;
use crate::config::Settings;
use crate::db::health::{DbHealth, DbState};
use crate::db::{self, DbPool};
use crate::error::{ApiError, Text};
use crate::openapi::{self, ApiDoc};
use crate::services::{AuditContext, users};
use crate::state::AppState;

pub const SPEC_PATH: &str = "/api/v1/openapi.json";

pub struct Application {
    port: u16,
    server: Server,
    pool: DbPool,
}

impl Application {
    /// Opens the database, applies migrations, creates the first principal if asked, and binds
    /// the listener. Every failure is a one-line message for the operator.
    ///
    /// A PostgreSQL server that does not answer yet does not stop the start: the service
    /// listens (`/healthz` 200, everything else 503) and finishes preparing the database when
    /// it answers. A SQLite file that cannot be opened is a setting to fix: that stops it.
    pub async fn build(settings: Settings) -> Result<Self, String> {
        let health = Arc::new(DbHealth::default());
        // Before the pool opens its first connection: on a new SQLite file, switching to WAL
        // while the migrations run would meet "database is locked".
        match prepare_database(&settings) {
            Ok(()) => health.mark_up(),
            Err(e) if settings.database_url.is_postgres() => log::error!(
                "database not ready ({e}): serving 503 until it is; retrying every second"
            ),
            Err(e) => return Err(e),
        }
        let pool = db::build_pool(
            db_manager(&settings),
            health.clone(),
            settings.db_pool_size,
            settings.db_pool_timeout,
        )?;
        spawn_database_watch(settings.clone(), health.clone());
        let secret = jwt_secret(&settings)?;
        let mailer = crate::mail::Mailer::new(&settings)?;
        let state = web::Data::new(AppState {
            jwt: JwtKeys::new(&secret, &settings.jwt_issuer, settings.access_token_ttl),
            passwords: Passwords::new(settings.password_hash_concurrency),
            login_limiter: LoginLimiter::new(
                settings.login_rate_account,
                settings.login_rate_address,
            ),
            intake_limiter: crate::auth::ratelimit::AddressLimiter::per_hour(
                settings.questions.intake_per_hour,
            ),
            track_limiter: crate::auth::ratelimit::AddressLimiter::per_minute(60),
            key_limiter: Default::default(),
            mail_wakeup: tokio::sync::Notify::new(),
            search_permits: tokio::sync::Semaphore::new(settings.search_concurrency),
            media_store: std::sync::Arc::new(
                crate::media::store::LocalDisk::open(&settings.media_dir).map_err(|e| {
                    format!(
                        "cannot use the media directory {}: {e}",
                        settings.media_dir.display()
                    )
                })?,
            ),
            storage: crate::storage::StorageWatch::new(
                storage_dirs(&settings),
                !settings.database_url.is_postgres(),
            ),
            decode_budget: Arc::new(crate::media::images::DecodeBudget::new(
                settings.media_limits.decode_memory,
                settings.workers.max(2),
            )),
            pool: pool.clone(),
            db_health: health,
            settings: settings.clone(),
        });
        spawn_scheduler(state.clone());
        crate::mail::spawn_worker(state.clone(), mailer);
        crate::webhooks::spawn_worker(state.clone());
        spawn_media_sweep(state.clone());
        let listener = TcpListener::bind(settings.bind)
            .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let spec = web::Data::new(spec_json());
        let routes = web::Data::new(RouteTable::from_spec(&self::spec()));
        let cors_origins = settings.cors_origins.clone();
        let server = HttpServer::new(move || {
            let (app, _) = mount(App::new().into_utoipa_app()).split_for_parts();
            // No outside validator: on a real host name Swagger UI would send the spec's
            // address to validator.swagger.io.
            let docs = SwaggerConfig::from(SPEC_PATH).validator_url("none");
            app.service(SwaggerUi::new("/docs/{_:.*}").config(docs))
                .app_data(state.clone())
                .app_data(spec.clone())
                .app_data(routes.clone())
                .app_data(path_config())
                .app_data(query_config())
                .default_service(web::to(not_found))
                // The last wrap is the outermost. Errors are rendered last, keeping the
                // headers the inner layers set (cache rules, CORS).
                .wrap(from_fn(middleware::head_as_get))
                .wrap(from_fn(middleware::single_byte_ranges))
                .wrap(from_fn(middleware::etag_and_cache))
                .wrap(cors(&cors_origins))
                .wrap(from_fn(middleware::problem_errors))
                // br or gzip when asked (slow mountain connections); images and video never.
                .wrap(actix_web::middleware::Compress::default())
                .wrap(from_fn(middleware::representations))
                .wrap(from_fn(middleware::security_headers))
                .wrap(Logger::new("%a \"%r\" %s %b %Dms"))
        })
        .workers(settings.workers)
        .shutdown_timeout(10)
        .listen(listener)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?
        .run();
        log::info!(
            "ttdt listening on http://{addr} ({} database)",
            settings.database_url.backend_name()
        );
        log::info!("API docs: http://{addr}/docs/ — spec: http://{addr}{SPEC_PATH}");
        log::info!(
            "log in: curl -X POST http://{addr}/api/v1/auth/login -H 'Content-Type: application/json' -d '{{\"email\":\"…\",\"password\":\"…\"}}'"
        );
        Ok(Self {
            port: addr.port(),
            server,
            pool,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Removes stored files nothing refers to any more (deleted media), once an hour. A file
/// touched in the last hour is left alone, so an upload in flight is never swept.
fn spawn_media_sweep(state: web::Data<AppState>) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(3600);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + EVERY, EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let store = state.media_store.clone();
            match state
                .db(move |conn| crate::services::media::sweep(conn, &*store, EVERY))
                .await
            {
                Ok(0) => {}
                Ok(n) => log::info!("removed {n} unreferenced media file(s)"),
                Err(e) if e.status().as_u16() == 503 => {}
                Err(e) => log::warn!("media sweep failed: {e}"),
            }
        }
    });
}

/// Publishes scheduled articles when their time comes, and erases the contact data of questions
/// closed long enough ago. The state is in the database, so a
/// restart loses nothing, and several instances may run it at once.
fn spawn_scheduler(state: web::Data<AppState>) {
    let every = state.settings.scheduler_interval;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match state.db(crate::services::kinds::publish_due).await {
                Ok(0) => {}
                Ok(n) => log::info!("published {n} scheduled article(s)"),
                // The database is away: its state change is logged once, not every tick.
                Err(e) if e.status().as_u16() == 503 => {}
                Err(e) => log::warn!("scheduled publishing failed: {e}"),
            }
            let settings = state.settings.clone();
            match state
                .db(move |c| {
                    Ok(crate::services::questions::erase_expired(c, &settings)?
                        + crate::services::feedback::erase_expired(c, &settings)?)
                })
                .await
            {
                Ok(0) => {}
                Ok(n) => {
                    log::info!("erased the contact data of {n} closed question(s) and feedback")
                }
                Err(e) if e.status().as_u16() == 503 => {}
                Err(e) => log::warn!("erasing contact data failed: {e}"),
            }
        }
    });
}

/// Every documented route. The generated spec and the running server come from this one list.
fn mount<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(health::healthz)
        .service(health::readyz)
        .service(api::feeds::sitemap)
        .service(api::feeds::sitemap_file)
        // Registered before the /api/v1 scope, which would otherwise swallow it.
        .service(openapi_json)
        .service(docs_redirect)
        .service(utoipa_actix_web::scope("/api/v1").configure(api::configure))
}

/// The OpenAPI document the code generates.
pub fn spec() -> utoipa::openapi::OpenApi {
    let (_, mut spec) = mount(App::new().into_utoipa_app()).split_for_parts();
    openapi::complete(&mut spec);
    spec
}

/// The spec as served and as committed in `openapi/openapi.json`.
pub fn spec_json() -> String {
    let mut json = spec().to_pretty_json().expect("the spec serialises");
    json.push('\n');
    json
}

/// This OpenAPI 3.1 document.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json"))
)]
#[get("/api/v1/openapi.json")]
async fn openapi_json(spec: web::Data<String>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(spec.get_ref().clone())
}

/// Swagger UI lives at `/docs/`.
#[utoipa::path(tag = "health", responses((status = 308, description = "Redirect to /docs/")))]
#[get("/docs")]
async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Every documented path template and the methods it answers, read from the generated spec
/// so it cannot drift from the routes.
pub struct RouteTable(Vec<(Vec<String>, Vec<&'static str>)>);

impl RouteTable {
    pub fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (path.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        RouteTable(routes)
    }

    /// The methods of every template matching `path` (`{x}` matches one segment).
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut methods: Vec<&'static str> = self
            .0
            .iter()
            .filter(|(template, _)| {
                template.len() == segments.len()
                    && template.iter().zip(&segments).all(|(t, s)| {
                        t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                    })
            })
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        methods.sort_unstable();
        methods.dedup();
        methods
    }
}

/// Nothing matched: 405 with `Allow` when the path exists under other methods, else 404.
async fn not_found(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    let allowed = routes.allowed(req.path());
    if allowed.is_empty() {
        Err(ApiError::not_found())
    } else {
        Err(ApiError::method_not_allowed(
            req.method().as_str(),
            &allowed,
        ))
    }
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::ACCEPT_LANGUAGE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG, header::LOCATION, header::RETRY_AFTER])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err, _| {
        ApiError::bad_request(
            "invalid_path",
            Text::new(
                format!("Đường dẫn không hợp lệ: {err}"),
                format!("Invalid path: {err}"),
            ),
        )
        .into()
    })
}

fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _| {
        ApiError::bad_request(
            "invalid_query",
            Text::new(
                format!("Tham số truy vấn không hợp lệ: {err}"),
                format!("Invalid query parameter: {err}"),
            ),
        )
        .into()
    })
}

/// The directories ttdt writes to: the SQLite file's, the data directory, the media directory.
fn storage_dirs(settings: &Settings) -> Vec<std::path::PathBuf> {
    let mut dirs = vec![settings.data_dir.clone(), settings.media_dir.clone()];
    if let db::DatabaseUrl::Sqlite(path) = &settings.database_url
        && let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
    {
        dirs.push(dir.to_owned());
    }
    dirs
}

/// Brings the database up to date on one direct connection: migrations, the search index of
/// rows indexed by older rules, then the first principal if asked for.
fn prepare_database(settings: &Settings) -> Result<(), String> {
    let mut conn = open_connection(settings)?;
    let rebuilt = crate::services::public::reindex(&mut conn)
        .map_err(|e| format!("cannot rebuild the search index: {e}"))?;
    if rebuilt > 0 {
        log::info!("search index rebuilt for {rebuilt} published items");
    }
    bootstrap_principal(&mut conn, settings)
}

/// Watches the database once a second: one that has not been prepared yet is prepared as soon
/// as it answers; one that went down is marked up again as soon as a connection opens.
fn spawn_database_watch(settings: Settings, health: Arc<DbHealth>) {
    use r2d2::ManageConnection;
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let state = health.state();
            if state == DbState::Up {
                continue;
            }
            let settings = settings.clone();
            let ready = tokio::task::spawn_blocking(move || match state {
                DbState::Starting => prepare_database(&settings).is_ok(),
                _ => db_manager(&settings).connect().is_ok(),
            })
            .await
            .unwrap_or(false);
            if ready {
                health.mark_up();
            }
        }
    });
}

/// One connection with migrations applied, for one-off commands. No pool: a pool keeps a
/// thread that opens connections in the background, which could still be inside libpq and
/// OpenSSL when the command exits.
pub fn open_connection(settings: &Settings) -> Result<db::DbConnection, String> {
    use r2d2::ManageConnection;
    let mut conn = db_manager(settings)
        .connect()
        .map_err(|e| format!("cannot connect to the database: {e}"))?;
    migrate(&mut conn)?;
    Ok(conn)
}

fn db_manager(settings: &Settings) -> db::DbManager {
    db::DbManager::new(settings.database_url.clone())
        .sqlite_synchronous(settings.sqlite_synchronous)
}

fn migrate(conn: &mut db::DbConnection) -> Result<(), String> {
    let applied = db::run_migrations(conn)?;
    if applied > 0 {
        log::info!("applied {applied} database migration(s)");
    }
    Ok(())
}

/// On a database without users, creates the principal named by TTDT_ADMIN_EMAIL/PASSWORD.
fn bootstrap_principal(conn: &mut db::DbConnection, settings: &Settings) -> Result<(), String> {
    if users::count(conn).map_err(|e| e.to_string())? > 0 {
        return Ok(());
    }
    let (Some(email), Some(pw)) = (&settings.admin_email, &settings.admin_password) else {
        log::warn!(
            "no user exists yet: set TTDT_ADMIN_EMAIL and TTDT_ADMIN_PASSWORD, or run \
             `ttdt user create --role principal --email … --name …`"
        );
        return Ok(());
    };
    password::check_policy("TTDT_ADMIN_PASSWORD", pw).map_err(|_| {
        "invalid setting TTDT_ADMIN_PASSWORD: use 8 to 128 characters, not a common password"
            .to_string()
    })?;
    let input = users::NewUserInput {
        email: email.clone(),
        display_name: "Hiệu trưởng".into(),
        password_hash: password::hash_password(pw),
        role: Role::Principal,
        department_id: None,
        category_ids: Vec::new(),
    };
    users::create(conn, &AuditContext::command_line(), None, input)
        .map_err(|e| format!("cannot create the first principal: {e}"))?;
    log::info!("created the first principal account {email}");
    Ok(())
}

/// The HS256 key: TTDT_JWT_SECRET, or one generated once and kept in the data directory.
fn jwt_secret(settings: &Settings) -> Result<Vec<u8>, String> {
    if let Some(secret) = &settings.jwt_secret {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = settings.data_dir.join("jwt.key");
    if path.exists() {
        let key = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let key = key.trim();
        if key.len() < 32 {
            return Err(format!(
                "{} holds a key shorter than 32 bytes",
                path.display()
            ));
        }
        return Ok(key.as_bytes().to_vec());
    }
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    let key = URL_SAFE_NO_PAD.encode(bytes);
    write_private_file(&path, &key)?;
    log::info!(
        "generated a JWT signing key in {} (set TTDT_JWT_SECRET to share one between instances)",
        path.display()
    );
    Ok(key.into_bytes())
}

fn write_private_file(path: &Path, contents: &str) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(contents.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}
