//! Settings from `TTDT_*` environment variables, validated once at start. No globals: the
//! `Settings` value is passed to `Application::build`.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use crate::db::{DatabaseUrl, SqliteSync};

/// Every variable the program reads. `.env.example` and `docker-compose.yml` use only these
/// (a test checks it).
pub const KNOWN_VARS: &[&str] = &[
    "TTDT_DATABASE_URL",
    "TTDT_BIND",
    "TTDT_DATA_DIR",
    "TTDT_MEDIA_DIR",
    "TTDT_JWT_SECRET",
    "TTDT_JWT_ISSUER",
    "TTDT_ACCESS_TOKEN_TTL",
    "TTDT_REFRESH_TOKEN_TTL",
    "TTDT_CORS_ORIGINS",
    "TTDT_TRUSTED_PROXIES",
    "TTDT_DB_POOL_SIZE",
    "TTDT_DB_POOL_TIMEOUT",
    "TTDT_SQLITE_SYNCHRONOUS",
    "TTDT_WORKERS",
    "TTDT_LOGIN_RATE_ACCOUNT",
    "TTDT_LOGIN_RATE_ADDRESS",
    "TTDT_API_KEY_RATE",
    "TTDT_PASSWORD_HASH_CONCURRENCY",
    "TTDT_SCHEDULER_INTERVAL",
    "TTDT_SEARCH_CONCURRENCY",
    "TTDT_MEDIA_MAX_IMAGE_MB",
    "TTDT_MEDIA_MAX_DOCUMENT_MB",
    "TTDT_MEDIA_MAX_AUDIO_MB",
    "TTDT_MEDIA_MAX_VIDEO_MB",
    "TTDT_MEDIA_MAX_MEGAPIXELS",
    "TTDT_MEDIA_DECODE_MEMORY_MB",
    "TTDT_GRADES",
    "TTDT_SCHOOL_NAME",
    "TTDT_PUBLIC_BASE_URL",
    "TTDT_SMTP_URL",
    "TTDT_MAIL_FROM",
    "TTDT_MAIL_RETRY_SECONDS",
    "TTDT_WEBHOOK_RETRY_SECONDS",
    "TTDT_WEBHOOK_MAX_FAILURES",
    "TTDT_WEBHOOK_TIMEOUT_SECONDS",
    "TTDT_WEBHOOK_ALLOW_NETWORKS",
    "TTDT_QUESTION_ANSWER_DAYS",
    "TTDT_QUESTION_RATE_ADDRESS",
    "TTDT_CONTACT_RETENTION_DAYS",
    "TTDT_HOLIDAYS",
    "TTDT_WORKING_WEEKENDS",
    "TTDT_ADMIN_EMAIL",
    "TTDT_ADMIN_PASSWORD",
    "RUST_LOG",
];

/// Upload limits: bytes per kind of file, and the largest image decoded.
#[derive(Debug, Clone, Copy)]
pub struct MediaLimits {
    pub image: u64,
    pub document: u64,
    pub audio: u64,
    pub video: u64,
    pub max_pixels: u64,
    /// Memory all image decodes share at any moment.
    pub decode_memory: u64,
}

impl MediaLimits {
    pub fn of(&self, kind: crate::domain::formats::MediaKind) -> u64 {
        use crate::domain::formats::MediaKind;
        match kind {
            MediaKind::Image => self.image,
            MediaKind::Document => self.document,
            MediaKind::Audio => self.audio,
            MediaKind::Video => self.video,
        }
    }

    /// What a file may reach before its first bytes tell its kind.
    pub fn largest(&self) -> u64 {
        self.image
            .max(self.document)
            .max(self.audio)
            .max(self.video)
    }
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub media_dir: PathBuf,
    /// HS256 signing key; `None` means "generate one under `data_dir` on first start".
    pub jwt_secret: Option<String>,
    pub jwt_issuer: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub cors_origins: Vec<String>,
    /// Peers whose `X-Forwarded-For` is believed; everyone else is known by the socket address.
    pub trusted_proxies: Vec<IpAddr>,
    pub db_pool_size: u32,
    pub db_pool_timeout: Duration,
    /// SQLite only: `full` (every acknowledged commit survives a power cut) or `normal`.
    pub sqlite_synchronous: SqliteSync,
    pub workers: usize,
    /// Login attempts allowed per minute for one account / one client address.
    pub login_rate_account: u32,
    pub login_rate_address: u32,
    /// Requests per minute a new API key may make, unless made with its own rate.
    pub api_key_rate: u32,
    /// How many password hashes may be computed at once.
    pub password_hash_concurrency: usize,
    /// How often scheduled publications are looked for.
    pub scheduler_interval: Duration,
    /// Searches run at most this many at a time, first come first served.
    pub search_concurrency: usize,
    pub media_limits: MediaLimits,
    /// The grades the school teaches, lowest and highest (a primary school: 1 to 5).
    pub grades: (i32, i32),
    /// The school's name: the sender of its mail, the heading of its letters.
    pub school_name: String,
    /// The public site's address (`https://ths1muongmuon.edu.vn`, no trailing slash): Atom
    /// feeds and the sitemap link to `{public_base_url}/{kind}/{slug}`.
    pub public_base_url: String,
    pub mail: MailSettings,
    pub webhooks: WebhookSettings,
    pub questions: QuestionSettings,
    /// Working days for deadlines: weekends and public holidays off, plus the year's swaps.
    pub calendar: crate::domain::calendar::WorkingCalendar,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    /// The clock date-dependent answers read (the system's; tests fix it).
    pub clock: crate::clock::Clock,
}

/// How mail leaves: an SMTP server, or, with none configured, `.eml` files under
/// `data_dir/outbox`.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required`, `smtps://host:465`.
    pub smtp_url: Option<String>,
    /// The sender's address; the school's name is its display name.
    pub from: String,
    /// The wait before the first retry; each next one doubles it, up to an hour.
    pub retry_base: Duration,
}

/// How webhooks are sent and when a failing subscription is disabled.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// The wait before the first retry; each next one doubles it, up to an hour.
    pub retry_base: Duration,
    /// Failed attempts in a row that disable a subscription.
    pub max_failures: i32,
    /// How long a receiver has to answer.
    pub timeout: Duration,
    /// Internal networks webhooks may reach anyway (`127.0.0.0/8` for a receiver on this host).
    pub allow_networks: Vec<ipnet::IpNet>,
}

/// Citizens' questions: the answer deadline, the intake limit and how long contact data stays.
#[derive(Debug, Clone, Copy)]
pub struct QuestionSettings {
    /// Working days from receipt to the answer being sent.
    pub answer_days: u32,
    /// Questions and feedback accepted per client address per hour.
    pub intake_per_hour: u32,
    /// Days after a question is closed before the asker's contact data is erased.
    pub contact_retention_days: u32,
}

/// An invalid setting: names the variable, says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid setting {}: {}", self.var, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Settings {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads settings through `lookup`, so tests can supply variables without touching the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |var: &'static str| lookup(var).filter(|v| !v.trim().is_empty());
        let err = |var: &'static str, message: String| ConfigError { var, message };

        let database_url = {
            let v = get("TTDT_DATABASE_URL").unwrap_or_else(|| "sqlite://data/ttdt.db".into());
            DatabaseUrl::parse(&v).map_err(|m| err("TTDT_DATABASE_URL", m))?
        };
        let bind = {
            let v = get("TTDT_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
            v.parse::<SocketAddr>().map_err(|_| {
                err(
                    "TTDT_BIND",
                    format!("{v:?} is not an address like 127.0.0.1:8080"),
                )
            })?
        };
        let data_dir = PathBuf::from(get("TTDT_DATA_DIR").unwrap_or_else(|| "data".into()));
        let media_dir = get("TTDT_MEDIA_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| data_dir.join("media"));
        let jwt_secret = get("TTDT_JWT_SECRET");
        if let Some(s) = &jwt_secret
            && s.len() < 32
        {
            return Err(err(
                "TTDT_JWT_SECRET",
                "must be at least 32 bytes; leave it unset to have one generated".into(),
            ));
        }
        let jwt_issuer = get("TTDT_JWT_ISSUER").unwrap_or_else(|| "ttdt".into());
        let access_token_ttl =
            Duration::from_secs(number(&get, "TTDT_ACCESS_TOKEN_TTL", 900, 30..=900)?);
        let refresh_token_ttl = Duration::from_secs(number(
            &get,
            "TTDT_REFRESH_TOKEN_TTL",
            30 * 86_400,
            300..=90 * 86_400,
        )?);
        let cors_origins = list(get("TTDT_CORS_ORIGINS"));
        for origin in &cors_origins {
            let ok = url::Url::parse(origin)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                .is_some_and(|u| u.path() == "/" && !origin.ends_with('/'));
            if !ok {
                return Err(err(
                    "TTDT_CORS_ORIGINS",
                    format!("{origin:?} is not an origin like https://truong.edu.vn"),
                ));
            }
        }
        let trusted_proxies = list(get("TTDT_TRUSTED_PROXIES"))
            .iter()
            .map(|p| {
                p.parse::<IpAddr>().map_err(|_| {
                    err(
                        "TTDT_TRUSTED_PROXIES",
                        format!("{p:?} is not an IP address"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let db_pool_size = number(&get, "TTDT_DB_POOL_SIZE", 10, 1..=200)? as u32;
        let db_pool_timeout = Duration::from_secs(number(&get, "TTDT_DB_POOL_TIMEOUT", 3, 1..=30)?);
        let sqlite_synchronous = match get("TTDT_SQLITE_SYNCHRONOUS") {
            None => SqliteSync::Full,
            Some(v) => SqliteSync::parse(v.trim()).ok_or_else(|| {
                err(
                    "TTDT_SQLITE_SYNCHRONOUS",
                    format!("{v:?} is not `full` or `normal`"),
                )
            })?,
        };
        let workers = number(&get, "TTDT_WORKERS", cores as u64, 1..=256)? as usize;
        let login_rate_account = number(&get, "TTDT_LOGIN_RATE_ACCOUNT", 5, 1..=10_000)? as u32;
        let login_rate_address = number(&get, "TTDT_LOGIN_RATE_ADDRESS", 30, 1..=100_000)? as u32;
        let api_key_rate = number(&get, "TTDT_API_KEY_RATE", 600, 1..=1_000_000)? as u32;
        let password_hash_concurrency =
            number(&get, "TTDT_PASSWORD_HASH_CONCURRENCY", cores as u64, 1..=64)? as usize;
        let scheduler_interval =
            Duration::from_secs(number(&get, "TTDT_SCHEDULER_INTERVAL", 15, 1..=60)?);
        let search_concurrency =
            number(&get, "TTDT_SEARCH_CONCURRENCY", 2 * cores as u64, 1..=256)? as usize;
        const MB: u64 = 1024 * 1024;
        let media_limits = MediaLimits {
            image: number(&get, "TTDT_MEDIA_MAX_IMAGE_MB", 20, 1..=1024)? * MB,
            document: number(&get, "TTDT_MEDIA_MAX_DOCUMENT_MB", 50, 1..=4096)? * MB,
            audio: number(&get, "TTDT_MEDIA_MAX_AUDIO_MB", 100, 1..=4096)? * MB,
            video: number(&get, "TTDT_MEDIA_MAX_VIDEO_MB", 500, 1..=16384)? * MB,
            max_pixels: number(&get, "TTDT_MEDIA_MAX_MEGAPIXELS", 50, 1..=500)? * 1_000_000,
            decode_memory: number(&get, "TTDT_MEDIA_DECODE_MEMORY_MB", 1024, 64..=65536)? * MB,
        };
        let grades = match get("TTDT_GRADES") {
            None => (1, 5),
            Some(v) => parse_grades(&v).ok_or_else(|| {
                err(
                    "TTDT_GRADES",
                    format!("{v:?} is not a range of grades from 1 to 12, such as 1-5 or 6-9"),
                )
            })?,
        };
        let school_name = get("TTDT_SCHOOL_NAME")
            .map(|v| crate::domain::text::clean(&v))
            .unwrap_or_else(|| "Ban biên tập Trang TTĐT".into());
        let public_base_url = get("TTDT_PUBLIC_BASE_URL")
            .unwrap_or_else(|| "http://localhost:3000".into())
            .trim_end_matches('/')
            .to_owned();
        let ok = url::Url::parse(&public_base_url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        if !ok {
            return Err(err(
                "TTDT_PUBLIC_BASE_URL",
                format!("{public_base_url:?} is not an address like https://truong.edu.vn"),
            ));
        }
        let smtp_url = get("TTDT_SMTP_URL");
        if let Some(v) = &smtp_url {
            let ok = url::Url::parse(v)
                .ok()
                .is_some_and(|u| matches!(u.scheme(), "smtp" | "smtps") && u.host().is_some());
            if !ok {
                return Err(err(
                    "TTDT_SMTP_URL",
                    "is not an address like smtp://mail.example.vn:587?tls=required or smtps://mail.example.vn".into(),
                ));
            }
        }
        let from = get("TTDT_MAIL_FROM").unwrap_or_else(|| "no-reply@localhost".into());
        if from.parse::<lettre::Address>().is_err() {
            return Err(err(
                "TTDT_MAIL_FROM",
                format!("{from:?} is not an e-mail address"),
            ));
        }
        let mail = MailSettings {
            smtp_url,
            from,
            retry_base: Duration::from_secs(number(&get, "TTDT_MAIL_RETRY_SECONDS", 60, 1..=3600)?),
        };
        let allow_networks = list(get("TTDT_WEBHOOK_ALLOW_NETWORKS"))
            .iter()
            .map(|n| {
                n.parse::<ipnet::IpNet>()
                    .or_else(|_| n.parse::<IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        err(
                            "TTDT_WEBHOOK_ALLOW_NETWORKS",
                            format!("{n:?} is not a network like 10.0.0.0/8"),
                        )
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let webhooks = WebhookSettings {
            retry_base: Duration::from_secs(number(
                &get,
                "TTDT_WEBHOOK_RETRY_SECONDS",
                10,
                1..=3600,
            )?),
            max_failures: number(&get, "TTDT_WEBHOOK_MAX_FAILURES", 15, 1..=1000)? as i32,
            timeout: Duration::from_secs(number(&get, "TTDT_WEBHOOK_TIMEOUT_SECONDS", 10, 1..=60)?),
            allow_networks,
        };
        let questions = QuestionSettings {
            answer_days: number(&get, "TTDT_QUESTION_ANSWER_DAYS", 7, 1..=60)? as u32,
            intake_per_hour: number(&get, "TTDT_QUESTION_RATE_ADDRESS", 10, 1..=100_000)? as u32,
            contact_retention_days: number(&get, "TTDT_CONTACT_RETENTION_DAYS", 365, 1..=3650)?
                as u32,
        };
        let calendar = crate::domain::calendar::WorkingCalendar {
            extra_days_off: dates(&get, "TTDT_HOLIDAYS")?,
            worked_weekends: dates(&get, "TTDT_WORKING_WEEKENDS")?,
        };
        let admin_email = get("TTDT_ADMIN_EMAIL");
        let admin_password = get("TTDT_ADMIN_PASSWORD");
        if admin_email.is_some() != admin_password.is_some() {
            let var = if admin_email.is_some() {
                "TTDT_ADMIN_PASSWORD"
            } else {
                "TTDT_ADMIN_EMAIL"
            };
            return Err(err(
                var,
                "TTDT_ADMIN_EMAIL and TTDT_ADMIN_PASSWORD must be set together".into(),
            ));
        }

        Ok(Settings {
            database_url,
            bind,
            data_dir,
            media_dir,
            jwt_secret,
            jwt_issuer,
            access_token_ttl,
            refresh_token_ttl,
            cors_origins,
            trusted_proxies,
            db_pool_size,
            db_pool_timeout,
            sqlite_synchronous,
            workers,
            login_rate_account,
            login_rate_address,
            api_key_rate,
            password_hash_concurrency,
            scheduler_interval,
            search_concurrency,
            media_limits,
            grades,
            school_name,
            public_base_url,
            mail,
            webhooks,
            questions,
            calendar,
            admin_email,
            admin_password,
            clock: crate::clock::Clock::default(),
        })
    }
}

/// `1-5`, `6-9`, `10-12`, or one grade (`5`).
fn parse_grades(v: &str) -> Option<(i32, i32)> {
    let (low, high) = v.trim().split_once('-').unwrap_or((v.trim(), v.trim()));
    let (low, high): (i32, i32) = (low.trim().parse().ok()?, high.trim().parse().ok()?);
    (1 <= low && low <= high && high <= 12).then_some((low, high))
}

fn number(
    get: &impl Fn(&'static str) -> Option<String>,
    var: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(v) = get(var) else {
        return Ok(default);
    };
    match v.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ConfigError {
            var,
            message: format!(
                "{v:?} is not a whole number from {} to {}",
                range.start(),
                range.end()
            ),
        }),
    }
}

/// A comma-separated list of days, `2026-01-02,2026-04-29`.
fn dates(
    get: &impl Fn(&'static str) -> Option<String>,
    var: &'static str,
) -> Result<std::collections::BTreeSet<chrono::NaiveDate>, ConfigError> {
    list(get(var))
        .iter()
        .map(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| ConfigError {
                var,
                message: format!("{d:?} is not a day like 2026-04-29"),
            })
        })
        .collect()
}

fn list(value: Option<String>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    }

    #[test]
    fn grades_are_a_range_from_1_to_12() {
        assert_eq!(with(&[]).unwrap().grades, (1, 5));
        assert_eq!(with(&[("TTDT_GRADES", "6-9")]).unwrap().grades, (6, 9));
        assert_eq!(with(&[("TTDT_GRADES", " 5 ")]).unwrap().grades, (5, 5));
        for bad in ["0-5", "5-1", "1-13", "lớp 1", "1-"] {
            let e = with(&[("TTDT_GRADES", bad)]).unwrap_err();
            assert_eq!(e.var, "TTDT_GRADES", "{bad}");
        }
    }

    #[test]
    fn defaults_are_sqlite_under_data_on_localhost_8080() {
        let s = with(&[]).unwrap();
        assert_eq!(s.database_url, DatabaseUrl::Sqlite("data/ttdt.db".into()));
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.media_dir, PathBuf::from("data/media"));
        assert_eq!(s.access_token_ttl, Duration::from_secs(900));
        assert_eq!(s.sqlite_synchronous, SqliteSync::Full);
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        let cases = [
            ("TTDT_DATABASE_URL", "mysql://x"),
            ("TTDT_BIND", "localhost"),
            ("TTDT_JWT_SECRET", "short"),
            ("TTDT_ACCESS_TOKEN_TTL", "3600"),
            ("TTDT_DB_POOL_TIMEOUT", "abc"),
            ("TTDT_CORS_ORIGINS", "https://a.vn/path"),
            ("TTDT_TRUSTED_PROXIES", "proxy.local"),
            ("TTDT_SQLITE_SYNCHRONOUS", "off"),
            ("TTDT_ADMIN_EMAIL", "a@b.vn"),
        ];
        for (var, value) in cases {
            let e = with(&[(var, value)]).unwrap_err();
            let expected = if var == "TTDT_ADMIN_EMAIL" {
                "TTDT_ADMIN_PASSWORD"
            } else {
                var
            };
            assert_eq!(e.var, expected, "{var}={value}");
            assert!(e.to_string().starts_with("invalid setting "));
        }
    }
}
