//! Seeds a benchmark database with N published articles (~2 KB Vietnamese bodies) and M
//! published documents (số ký hiệu of several forms and issuers, one in ten replacing an
//! earlier one) through the real write path (create, submit, approve, publish), and writes
//! the article slugs and the document numbers (typed without diacritics, as people do) for
//! the item and by-number scenarios.
//!
//!     TTDT_DATABASE_URL=sqlite://data/bench.db cargo run --release --example seed -- \
//!         10000 slugs.txt 10000 numbers.txt

use std::io::Write;

use ttdt::auth::Role;
use ttdt::auth::password::hash_password;
use ttdt::auth::roles::Caller;
use ttdt::config::Settings;
use ttdt::db::DbConnection;
use ttdt::domain::category::CategoryKind;
use ttdt::domain::workflow::Transition;
use ttdt::services::AuditContext;
use ttdt::services::articles::{Article, ArticleFields};
use ttdt::services::categories::{self, NewCategoryInput};
use ttdt::services::documents::{Document, DocumentFields, Relation};
use ttdt::services::editorial::{self, Draft};
use ttdt::services::users::{self, NewUserInput};
use ttdt::startup::open_connection;

/// Common syllables first: words are drawn with a skew toward the front, as in real text.
const WORDS: &[&str] = &[
    "và",
    "của",
    "các",
    "trường",
    "học",
    "sinh",
    "năm",
    "lớp",
    "giáo",
    "viên",
    "được",
    "trong",
    "cho",
    "với",
    "những",
    "đã",
    "có",
    "là",
    "tổ",
    "chức",
    "thực",
    "hiện",
    "công",
    "tác",
    "kế",
    "hoạch",
    "phong",
    "trào",
    "thi",
    "đua",
    "kết",
    "quả",
    "chất",
    "lượng",
    "giáo",
    "dục",
    "toàn",
    "diện",
    "chuyên",
    "môn",
    "khối",
    "tuần",
    "tháng",
    "ngày",
    "buổi",
    "sáng",
    "chiều",
    "phụ",
    "huynh",
    "họp",
    "ban",
    "đại",
    "diện",
    "cha",
    "mẹ",
    "văn",
    "nghệ",
    "thể",
    "thao",
    "bóng",
    "đá",
    "cờ",
    "vua",
    "kéo",
    "co",
    "múa",
    "hát",
    "Mường",
    "Mươn",
    "Điện",
    "Biên",
    "huyện",
    "Chà",
    "xã",
    "bản",
    "thôn",
    "thư",
    "viện",
    "sách",
    "đọc",
    "truyện",
    "bài",
    "giảng",
    "điện",
    "tử",
    "sáng",
    "kiến",
    "kinh",
    "nghiệm",
    "đội",
    "thiếu",
    "niên",
    "tiền",
    "phong",
    "sao",
    "nhi",
    "đồng",
    "bán",
    "trú",
    "bữa",
    "ăn",
    "sức",
    "khoẻ",
    "vệ",
    "môi",
    "xanh",
    "sạch",
    "đẹp",
    "an",
    "toàn",
    "giao",
    "thông",
    "phòng",
    "chống",
    "dịch",
    "bệnh",
    "tiêm",
    "chủng",
    "khám",
    "răng",
    "mắt",
    "tuyển",
    "sinh",
    "đầu",
    "cấp",
    "tiểu",
    "khai",
    "giảng",
    "bế",
    "tổng",
    "sơ",
    "khen",
    "thưởng",
    "học",
    "bổng",
    "vượt",
    "khó",
    "nghèo",
    "ủng",
    "hộ",
    "quyên",
    "góp",
    "áo",
    "ấm",
    "vùng",
    "cao",
    "dân",
    "tộc",
    "Thái",
    "Mông",
    "Khơ",
    "Mú",
    "tiếng",
    "Việt",
    "toán",
    "khoa",
    "lịch",
    "sử",
    "địa",
    "lí",
    "tin",
    "âm",
    "nhạc",
    "mĩ",
    "thuật",
    "đạo",
    "đức",
    "kĩ",
    "năng",
    "sống",
    "trải",
    "nghiệm",
    "sân",
    "chơi",
    "vườn",
    "rau",
    "cây",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn word(&mut self) -> &'static str {
        let u = self.next();
        WORDS[((u * u * u) * WORDS.len() as f64) as usize % WORDS.len()]
    }
}

fn sentence(rng: &mut Rng, words: usize) -> String {
    let s: Vec<&str> = (0..words).map(|_| rng.word()).collect();
    let s = s.join(" ");
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str() + ".",
        None => s,
    }
}

fn must<T>(r: Result<T, ttdt::error::ApiError>) -> T {
    r.unwrap_or_else(|e| panic!("seeding failed: {e}"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let slugs_path = args.next().unwrap_or_else(|| "slugs.txt".into());
    let documents: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
    let numbers_path = args.next().unwrap_or_else(|| "numbers.txt".into());
    let settings = Settings::from_env().expect("settings");
    let mut conn = open_connection(&settings).expect("database");
    // Benchmark data only: skip the per-commit flush while seeding. (SQLite's default is
    // synchronous=FULL since 2026-12-01: four flushed commits per item made a 100,000-article
    // seed take 25 minutes instead of about 3.)
    let no_flush = match &conn {
        DbConnection::Postgres(_) => "SET synchronous_commit = off",
        DbConnection::Sqlite(_) => "PRAGMA synchronous = OFF",
    };
    {
        use diesel::RunQueryDsl;
        diesel::sql_query(no_flush).execute(&mut conn).expect("set");
    }
    let ctx = AuditContext::command_line();
    let hash = hash_password("mật khẩu bench dài");
    let mut user = |role: Role, email: &str| {
        must(users::create(
            &mut conn,
            &ctx,
            None,
            NewUserInput {
                email: email.into(),
                display_name: format!("Bench {role}"),
                password_hash: hash.clone(),
                role,
                department_id: None,
                category_ids: Vec::new(),
            },
        ))
        .user
        .id
    };
    let chief = user(Role::EditorInChief, "chief@bench.vn");
    let writer = user(Role::Contributor, "writer@bench.vn");
    let cats: Vec<String> = ["Tin tức", "Hoạt động", "Thông báo", "Văn bản"]
        .iter()
        .map(|name| {
            must(categories::create(
                &mut conn,
                &ctx,
                NewCategoryInput {
                    name: (*name).into(),
                    slug: ttdt::domain::text::slugify(name),
                    description: String::new(),
                    kind: CategoryKind::News,
                    retention: CategoryKind::News.default_retention(),
                },
            ))
            .id
        })
        .collect();
    let none: [String; 0] = [];
    let as_writer = Caller {
        id: &writer,
        role: Role::Contributor,
        categories: &none,
        publish: false,
    };
    let as_chief = Caller {
        id: &chief,
        role: Role::EditorInChief,
        categories: &none,
        publish: false,
    };
    let mut slugs = std::fs::File::create(&slugs_path).expect("slugs file");
    let mut rng = Rng(42);
    let started = std::time::Instant::now();
    for i in 0..count {
        let mut body = String::new();
        // One article in 25 reports an extracurricular activity (hoạt động ngoại khoá).
        if i % 25 == 0 {
            body.push_str("<p>Hoạt động ngoại khoá của học sinh khối 4 tại vườn trường.</p>");
        }
        while body.len() < 2000 {
            body.push_str(&format!("<p>{}</p>", sentence(&mut rng, 24)));
        }
        let title = format!("{} {}", sentence(&mut rng, 6).trim_end_matches('.'), i);
        let draft = Draft {
            title,
            category_id: cats[i % cats.len()].clone(),
            slug: String::new(),
            fields: ArticleFields {
                summary: sentence(&mut rng, 20),
                body,
                tags: vec![rng.word().to_owned()],
                cover_media_id: None,
                event_date: None,
            },
        };
        let a = must(editorial::create::<Article>(
            &mut conn, &ctx, &as_writer, draft, None, "",
        ))
        .row;
        publish::<Article>(&mut conn, &ctx, [&as_writer, &as_chief], &a.id, a.version);
        writeln!(slugs, "{}", a.slug).expect("write slug");
        if (i + 1) % 10_000 == 0 {
            eprintln!("seeded {} articles in {:.0?}", i + 1, started.elapsed());
        }
    }
    eprintln!(
        "seeded {count} published articles in {:.1?}",
        started.elapsed()
    );
    if documents > 0 {
        seed_documents(
            &mut conn,
            &ctx,
            [&as_writer, &as_chief],
            documents,
            &numbers_path,
        );
    }
}

/// Submits as the writer, approves and publishes as the chief.
fn publish<K: editorial::Kind>(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    [writer, chief]: [&Caller<'_>; 2],
    id: &str,
    mut version: i32,
) {
    for (caller, t) in [
        (writer, Transition::Submit),
        (chief, Transition::Approve),
        (chief, Transition::Publish),
    ] {
        version = must(editorial::transition::<K>(
            conn, ctx, caller, id, version, t, "", None,
        ))
        .row
        .version;
    }
}

/// `count` published documents in one `legal_documents` category, sharing one PDF record (its
/// bytes are not stored: the benchmark never downloads them).
fn seed_documents(
    conn: &mut DbConnection,
    ctx: &AuditContext,
    callers: [&Caller<'_>; 2],
    count: usize,
    numbers_path: &str,
) {
    use diesel::RunQueryDsl;
    use ttdt::domain::documents::DocumentForm;
    let category = must(categories::create(
        conn,
        ctx,
        NewCategoryInput {
            name: "Văn bản pháp quy".into(),
            slug: "van-ban-phap-quy".into(),
            description: String::new(),
            kind: CategoryKind::LegalDocuments,
            retention: CategoryKind::LegalDocuments.default_retention(),
        },
    ))
    .id;
    let at = ttdt::db::now();
    let pdf = ttdt::db::models::Media {
        id: ttdt::db::new_id(),
        kind: "document".into(),
        content_type: "application/pdf".into(),
        sha256: "0".repeat(64),
        source_sha256: "0".repeat(64),
        size: 120_000,
        original_name: "van-ban.pdf".into(),
        title: "Văn bản".into(),
        alt_text: String::new(),
        caption: String::new(),
        author: String::new(),
        width: None,
        height: None,
        duration_seconds: None,
        uploaded_by: callers[1].id.to_owned(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(ttdt::db::schema::media::table)
        .values(&pdf)
        .execute(conn)
        .expect("the PDF record");
    // (form, abbreviation typed, issuer code typed, issuer name)
    let kinds = [
        (
            DocumentForm::Decision,
            "qd",
            "ths1mm",
            "Trường PTDTBT Tiểu học Mường Mươn",
        ),
        (
            DocumentForm::Plan,
            "kh",
            "ths1mm",
            "Trường PTDTBT Tiểu học Mường Mươn",
        ),
        (
            DocumentForm::Notice,
            "tb",
            "pgddt",
            "Phòng Giáo dục và Đào tạo Mường Chà",
        ),
        (
            DocumentForm::Report,
            "bc",
            "ths1mm",
            "Trường PTDTBT Tiểu học Mường Mươn",
        ),
        (
            DocumentForm::Circular,
            "tt",
            "bgddt",
            "Bộ Giáo dục và Đào tạo",
        ),
    ];
    let mut numbers = std::fs::File::create(numbers_path).expect("numbers file");
    let mut rng = Rng(7);
    let mut ids: Vec<String> = Vec::with_capacity(count);
    let started = std::time::Instant::now();
    for i in 0..count {
        let (form, abbreviation, issuer_code, issuer) = kinds[i % kinds.len()];
        let year = 2015 + (i / kinds.len()) as i32 % 11;
        let number = i / kinds.len() / 11 + 1;
        // A circular's number carries its year; the school's own numbers do not.
        let typed = if form == DocumentForm::Circular {
            format!("{number}/{year}/{abbreviation}-{issuer_code}")
        } else {
            format!("{number}/{abbreviation}-{issuer_code}")
        };
        let signed_on =
            chrono::NaiveDate::from_ymd_opt(year, 1 + (i % 12) as u32, 1 + (i % 28) as u32)
                .expect("a day");
        let relations = if i % 10 == 9 {
            vec![Relation {
                kind: ttdt::domain::documents::RelationKind::Replaces,
                document_id: ids[i - 5].clone(),
            }]
        } else {
            Vec::new()
        };
        let draft = Draft {
            title: format!("{} {}", sentence(&mut rng, 12).trim_end_matches('.'), i),
            category_id: category.clone(),
            slug: String::new(),
            fields: DocumentFields {
                number: must(ttdt::services::documents::parse_number(&typed)).text,
                form,
                issuer: issuer.into(),
                signer: "Lò Văn Thành".into(),
                signer_title: "Hiệu trưởng".into(),
                signed_on,
                effective_on: None,
                expires_on: (i % 7 == 0).then(|| signed_on + chrono::Days::new(365)),
                file_ids: vec![pdf.id.clone()],
                relations,
            },
        };
        let d = must(editorial::create::<Document>(
            conn, ctx, callers[0], draft, None, "",
        ))
        .row;
        publish::<Document>(conn, ctx, callers, &d.id, d.version);
        // A number without a year is looked up with the signing year.
        if form == DocumentForm::Circular {
            writeln!(numbers, "{typed}").expect("write number");
        } else {
            writeln!(numbers, "{typed}?year={year}").expect("write number");
        }
        ids.push(d.id);
    }
    eprintln!(
        "seeded {count} published documents in {:.1?}",
        started.elapsed()
    );
}
