//! Seeds a benchmark database with N published articles (~2 KB Vietnamese bodies) through the
//! real write path (create, submit, approve, publish), and prints slugs for the item scenario.
//!
//!     TTDT_DATABASE_URL=sqlite://data/bench.db cargo run --release --example seed -- 10000 slugs.txt

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
    let settings = Settings::from_env().expect("settings");
    let mut conn = open_connection(&settings).expect("database");
    if let DbConnection::Postgres(_) = &mut conn {
        // Benchmark data only: skip the per-commit flush while seeding.
        use diesel::RunQueryDsl;
        diesel::sql_query("SET synchronous_commit = off")
            .execute(&mut conn)
            .expect("set");
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
        let mut version = a.version;
        for (caller, t) in [
            (&as_writer, Transition::Submit),
            (&as_chief, Transition::Approve),
            (&as_chief, Transition::Publish),
        ] {
            version = must(editorial::transition::<Article>(
                &mut conn, &ctx, caller, &a.id, version, t, "", None,
            ))
            .row
            .version;
        }
        writeln!(slugs, "{}", a.slug).expect("write slug");
        if (i + 1) % 10_000 == 0 {
            eprintln!("seeded {} articles in {:.0?}", i + 1, started.elapsed());
        }
    }
    eprintln!(
        "seeded {count} published articles in {:.1?}",
        started.elapsed()
    );
}
