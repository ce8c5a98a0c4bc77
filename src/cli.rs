//! The `ttdt` command line: serve (default), migrate, user management, demo, mirror, openapi.

use clap::{Args, Parser, Subcommand};

use crate::auth::Role;
use crate::auth::password;
use crate::config::Settings;
use crate::db::DbConnection;
use crate::db::models::User;
use crate::error::{ApiError, Lang};
use crate::services::AuditContext;
use crate::services::users::{self, NewUserInput, UserFilter, UserUpdate};
use crate::startup::{Application, open_connection, spec_json};

#[derive(Debug, Parser)]
#[command(
    name = "ttdt",
    version,
    about = "Content API for a school's official information portal (Trang TTĐT)"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the API server (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Print the OpenAPI document.
    Openapi,
    /// Load a sample school (board, categories, articles, documents, procedure guides) into
    /// the configured database through the API, and print a log-in for every role. Runs again
    /// without duplicating anything; each run sets new passwords for the sample accounts.
    Demo,
    /// Follow other schools' changes feeds into this database (the district portal), and keep
    /// following; the public reads them at `/api/v1/mirror`. One `--from` and one `--key` per
    /// school, in the same order. Resumes where it stopped.
    Mirror(MirrorArgs),
}

#[derive(Debug, Args)]
pub struct MirrorArgs {
    /// A school's instance (base URL, e.g. `https://th-muongmuon.edu.vn`).
    #[arg(long = "from", required = true, value_name = "URL")]
    pub from: Vec<String>,
    /// The API key (`sync:read`) that school's instance made for this mirror.
    #[arg(long = "key", required = true, value_name = "KEY")]
    pub key: Vec<String>,
    /// Stop once every school is caught up, instead of following.
    #[arg(long)]
    pub once: bool,
    /// Entries per page asked for (1–1000).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub page_size: u16,
    /// Seconds between polls once caught up.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub interval: u64,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Create(CreateUser),
    /// List accounts.
    List,
    /// Change an account's role (and its department or review categories).
    SetRole {
        email: String,
        role: Role,
        /// Department id (required for department_staff).
        #[arg(long)]
        department: Option<String>,
        /// Category id a board member reviews; repeat for several.
        #[arg(long = "category")]
        categories: Vec<String>,
    },
    /// Disable an account; its tokens stop working at once.
    Disable { email: String },
    /// Re-enable a disabled account.
    Enable { email: String },
    /// Set a new password; every session of the account ends.
    ResetPassword {
        email: String,
        #[command(flatten)]
        password: PasswordArg,
    },
}

#[derive(Debug, Args)]
pub struct CreateUser {
    #[arg(long)]
    pub email: String,
    /// Display name, e.g. "Phạm Thị Ngân".
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub role: Role,
    #[arg(long)]
    pub department: Option<String>,
    #[arg(long = "category")]
    pub categories: Vec<String>,
    #[command(flatten)]
    pub password: PasswordArg,
}

#[derive(Debug, Args)]
pub struct PasswordArg {
    /// The password; prefer the TTDT_USER_PASSWORD variable, which stays out of shell history.
    #[arg(long, env = "TTDT_USER_PASSWORD", hide_env_values = true)]
    pub password: String,
}

impl clap::ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &Role::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

/// Runs a command; `Err` is the one-line message to print before exiting non-zero.
pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Openapi => {
            print!("{}", spec_json());
            Ok(())
        }
        Command::Serve => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let app = Application::build(settings).await?;
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            open_connection(&settings)?;
            println!("database is up to date");
            Ok(())
        }
        Command::Demo => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            crate::demo::run(settings).await
        }
        Command::Mirror(args) => {
            if args.from.len() != args.key.len() {
                return Err(format!(
                    "give one --key per --from ({} sources, {} keys)",
                    args.from.len(),
                    args.key.len()
                ));
            }
            if let Some(bad) = args.from.iter().find(|u| reqwest::Url::parse(u).is_err()) {
                return Err(format!(
                    "--from {bad} is not a URL (like https://school.example)"
                ));
            }
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let sources = args
                .from
                .into_iter()
                .zip(args.key)
                .map(|(url, key)| crate::mirror::Source { url, key })
                .collect();
            let options = crate::mirror::Options {
                once: args.once,
                page_size: args.page_size.into(),
                interval: std::time::Duration::from_secs(args.interval),
            };
            crate::mirror::run(settings, sources, options).await
        }
        Command::User(cmd) => {
            let settings = Settings::from_env().map_err(|e| e.to_string())?;
            let mut conn = open_connection(&settings)?;
            user_command(&mut conn, cmd)
        }
    }
}

fn user_command(conn: &mut DbConnection, cmd: UserCommand) -> Result<(), String> {
    let ctx = AuditContext::command_line();
    match cmd {
        UserCommand::Create(c) => {
            password::check_policy("password", &c.password.password).map_err(problem)?;
            let view = users::create(
                conn,
                &ctx,
                None,
                NewUserInput {
                    email: c.email,
                    display_name: crate::domain::text::clean(&c.name),
                    password_hash: password::hash_password(&c.password.password),
                    role: c.role,
                    department_id: c.department,
                    category_ids: c.categories,
                },
            )
            .map_err(problem)?;
            println!(
                "created {} ({}) id {}",
                view.user.email, view.user.role, view.user.id
            );
        }
        UserCommand::List => {
            let mut after: Option<String> = None;
            loop {
                let page = users::list(conn, &UserFilter::default(), after.as_deref(), 100)
                    .map_err(problem)?;
                for v in &page.items {
                    let state = if v.user.disabled {
                        "disabled"
                    } else {
                        "active"
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        v.user.id, v.user.email, v.user.role, state, v.user.display_name
                    );
                }
                match page.next_after {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
        }
        UserCommand::SetRole {
            email,
            role,
            department,
            categories,
        } => {
            let user = find(conn, &email)?;
            let change = UserUpdate {
                role: Some(role),
                department_id: department.map(Some),
                category_ids: Some(categories),
                ..Default::default()
            };
            users::update(conn, &ctx, None, &user.id, change).map_err(problem)?;
            println!("{email} is now {role}");
        }
        UserCommand::Disable { email } => set_disabled(conn, &ctx, &email, true)?,
        UserCommand::Enable { email } => set_disabled(conn, &ctx, &email, false)?,
        UserCommand::ResetPassword {
            email,
            password: pw,
        } => {
            password::check_policy("password", &pw.password).map_err(problem)?;
            let user = find(conn, &email)?;
            users::set_password(
                conn,
                &ctx,
                None,
                &user.id,
                password::hash_password(&pw.password),
            )
            .map_err(problem)?;
            println!("password of {email} reset; its sessions have ended");
        }
    }
    Ok(())
}

fn find(conn: &mut DbConnection, email: &str) -> Result<User, String> {
    users::find_by_email(conn, email)
        .map_err(problem)?
        .ok_or_else(|| format!("no account with e-mail {email}"))
}

fn set_disabled(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    email: &str,
    disabled: bool,
) -> Result<(), String> {
    let user = find(conn, email)?;
    let change = UserUpdate {
        disabled: Some(disabled),
        ..Default::default()
    };
    users::update(conn, ctx, None, &user.id, change).map_err(problem)?;
    println!(
        "{email} is {}",
        if disabled { "disabled" } else { "enabled" }
    );
    Ok(())
}

/// An API error as one English line for the terminal.
fn problem(e: ApiError) -> String {
    let p = e.problem(Lang::En);
    let fields: String = p
        .errors
        .iter()
        .map(|f| format!(" {}: {}", f.field, f.message))
        .collect();
    format!("{}{fields}", p.detail)
}
