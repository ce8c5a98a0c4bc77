//! The sample school: Trường Phổ thông Dân tộc Bán trú Tiểu học Mường Mươn, in Mường Chà
//! (Điện Biên), its board, its categories of every kind, and a year of its content.

use crate::domain::category::CategoryKind;

pub const SCHOOL: &str = "Trường PTDTBT Tiểu học Mường Mươn";
pub const DOMAIN: &str = "muongmuon.edu.vn";

/// A member of the board or staff: role, the part of the e-mail before `@`, name.
pub struct Person {
    pub role: &'static str,
    pub mailbox: &'static str,
    pub name: &'static str,
}

pub const PRINCIPAL: Person = Person {
    role: "principal",
    mailbox: "hieutruong",
    name: "Lò Văn Thành",
};

/// The rest of the board and staff, created by the principal.
pub const STAFF: [Person; 6] = [
    Person {
        role: "editor_in_chief",
        mailbox: "truongban",
        name: "Phạm Thị Ngân",
    },
    Person {
        role: "deputy_editor",
        mailbox: "phoban",
        name: "Quàng Văn Dũng",
    },
    Person {
        role: "board_member",
        mailbox: "thanhvien",
        name: "Lò Thị Hoa",
    },
    Person {
        role: "contributor",
        mailbox: "congtacvien",
        name: "Vì Thị Mai",
    },
    Person {
        role: "technician",
        mailbox: "kythuat",
        name: "Tòng Văn Hải",
    },
    Person {
        role: "department_staff",
        mailbox: "vanphong",
        name: "Cà Thị Lan",
    },
];

/// The department questions are routed to.
pub const DEPARTMENT: &str = "Văn phòng nhà trường";

/// Categories, one or more of every kind.
pub const CATEGORIES: [(&str, CategoryKind); 12] = [
    ("Giới thiệu", CategoryKind::Introduction),
    ("Tin tức", CategoryKind::News),
    ("Hoạt động giáo dục", CategoryKind::Activities),
    ("Chính sách", CategoryKind::Policy),
    ("Thông báo", CategoryKind::Ads),
    ("Văn bản của nhà trường", CategoryKind::LegalDocuments),
    ("Văn bản cấp trên", CategoryKind::LegalDocuments),
    ("Thủ tục hành chính", CategoryKind::Procedures),
    ("Dịch vụ công", CategoryKind::PublicServices),
    ("Tài nguyên dạy học", CategoryKind::TeachingResources),
    ("Liên kết", CategoryKind::Links),
    ("Thư viện ảnh", CategoryKind::Activities),
];

/// The categories the board member reviews.
pub const MEMBER_REVIEWS: [&str; 2] = ["Tin tức", "Hoạt động giáo dục"];

pub struct Article {
    pub category: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub event_date: &'static str,
    pub tags: &'static [&'static str],
}

const fn a(
    category: &'static str,
    title: &'static str,
    summary: &'static str,
    event_date: &'static str,
    tags: &'static [&'static str],
) -> Article {
    Article {
        category,
        title,
        summary,
        event_date,
        tags,
    }
}

const NEWS: &str = "Tin tức";
const ACT: &str = "Hoạt động giáo dục";
const POLICY: &str = "Chính sách";
const NOTICE: &str = "Thông báo";

pub const ARTICLES: [Article; 50] = [
    a(
        NEWS,
        "Lễ khai giảng năm học 2025-2026",
        "Hơn 600 học sinh ở 5 điểm trường dự lễ khai giảng trong không khí vui tươi.",
        "2025-09-05",
        &["khai giảng", "năm học 2025-2026"],
    ),
    a(
        NEWS,
        "Tập huấn sử dụng Trang thông tin điện tử cho Ban biên tập",
        "Các thành viên Ban biên tập được hướng dẫn quy trình viết, duyệt và xuất bản tin bài.",
        "2025-09-20",
        &["Ban biên tập", "chuyển đổi số"],
    ),
    a(
        NEWS,
        "Hội nghị viên chức, người lao động năm học 2025-2026",
        "Hội nghị thống nhất các chỉ tiêu thi đua và quy chế chi tiêu nội bộ của nhà trường.",
        "2025-09-27",
        &["hội nghị"],
    ),
    a(
        NEWS,
        "Đón Bằng công nhận trường đạt chuẩn quốc gia mức độ 1",
        "Nhà trường vinh dự đón nhận Bằng công nhận trường đạt chuẩn quốc gia mức độ 1.",
        "2025-10-10",
        &["chuẩn quốc gia"],
    ),
    a(
        NEWS,
        "Đoàn kiểm tra của Phòng GD&ĐT huyện Mường Chà làm việc với nhà trường",
        "Đoàn kiểm tra việc thực hiện nhiệm vụ năm học tại điểm trường chính và hai điểm trường lẻ.",
        "2025-10-22",
        &["kiểm tra"],
    ),
    a(
        NEWS,
        "Trao học bổng cho học sinh có hoàn cảnh khó khăn",
        "Mười lăm suất học bổng được trao cho học sinh vượt khó học tốt.",
        "2025-11-12",
        &["học bổng", "bán trú"],
    ),
    a(
        NEWS,
        "Kỷ niệm 43 năm Ngày Nhà giáo Việt Nam 20/11",
        "Lễ kỷ niệm tri ân các thầy cô giáo đã và đang công tác tại nhà trường.",
        "2025-11-20",
        &["20/11"],
    ),
    a(
        NEWS,
        "Tiếp nhận quần áo ấm cho học sinh bán trú",
        "Các nhà hảo tâm trao tặng 300 bộ quần áo ấm cho học sinh trước mùa rét.",
        "2025-12-15",
        &["bán trú", "thiện nguyện"],
    ),
    a(
        NEWS,
        "Sơ kết học kỳ I năm học 2025-2026",
        "Nhà trường đánh giá kết quả học kỳ I và đề ra nhiệm vụ trọng tâm học kỳ II.",
        "2026-01-16",
        &["sơ kết"],
    ),
    a(
        NEWS,
        "Học sinh vui Tết cổ truyền của đồng bào các dân tộc",
        "Học sinh gói bánh chưng, làm bánh khẩu xén và chơi trò chơi dân gian.",
        "2026-02-10",
        &["Tết", "văn hóa dân tộc"],
    ),
    a(
        NEWS,
        "Giáo viên nhà trường đạt giải cao tại Hội thi giáo viên dạy giỏi cấp huyện",
        "Ba thầy cô đạt danh hiệu giáo viên dạy giỏi cấp huyện năm học 2025-2026.",
        "2026-03-18",
        &["giáo viên dạy giỏi"],
    ),
    a(
        NEWS,
        "Nhà trường tham gia Ngày hội đọc sách cấp huyện",
        "Gian trưng bày sách của nhà trường thu hút đông đảo học sinh và phụ huynh.",
        "2026-04-21",
        &["đọc sách", "thư viện"],
    ),
    a(
        NEWS,
        "Tổng kết năm học 2025-2026",
        "Năm học khép lại với 100% học sinh lớp 5 hoàn thành chương trình tiểu học.",
        "2026-05-25",
        &["tổng kết"],
    ),
    a(
        NEWS,
        "Bàn giao phòng học mới tại điểm trường Huổi Lếch",
        "Hai phòng học kiên cố được bàn giao trước thềm năm học mới.",
        "2026-08-28",
        &["cơ sở vật chất"],
    ),
    a(
        NEWS,
        "Khai giảng năm học 2026-2027",
        "Học sinh năm điểm trường hân hoan bước vào năm học mới.",
        "2026-09-05",
        &["khai giảng", "năm học 2026-2027"],
    ),
    a(
        ACT,
        "Hoạt động ngoại khóa tìm hiểu về an toàn giao thông",
        "Học sinh được hướng dẫn đi bộ an toàn trên đường đèo và đội mũ bảo hiểm đúng cách.",
        "2025-09-25",
        &["an toàn giao thông", "ngoại khóa"],
    ),
    a(
        ACT,
        "Tuần lễ hưởng ứng học tập suốt đời",
        "Thư viện mở cửa cả buổi chiều để học sinh và phụ huynh cùng đọc sách.",
        "2025-10-01",
        &["đọc sách"],
    ),
    a(
        ACT,
        "Ngày hội Trung thu cho học sinh bán trú",
        "Đêm hội rước đèn, phá cỗ cho hơn 200 học sinh ở bán trú.",
        "2025-10-06",
        &["Trung thu", "bán trú"],
    ),
    a(
        ACT,
        "Hoạt động trải nghiệm \"Em yêu văn hóa dân tộc Thái\"",
        "Học sinh tìm hiểu trang phục, điệu xòe và món ăn truyền thống của người Thái.",
        "2025-10-15",
        &["trải nghiệm", "văn hóa dân tộc"],
    ),
    a(
        ACT,
        "Chuyên đề đổi mới phương pháp dạy học môn Toán lớp 3",
        "Tổ chuyên môn khối 3 chia sẻ cách dạy học qua trò chơi và đồ dùng tự làm.",
        "2025-10-28",
        &["chuyên đề", "Toán"],
    ),
    a(
        ACT,
        "Học sinh lớp 5 trải nghiệm trồng rau sạch tại vườn trường",
        "Mỗi lớp chăm sóc một luống rau, thu hoạch bổ sung cho bữa ăn bán trú.",
        "2025-11-03",
        &["trải nghiệm", "bán trú"],
    ),
    a(
        ACT,
        "Sinh hoạt chuyên môn theo nghiên cứu bài học",
        "Giáo viên dự giờ, phân tích bài học để điều chỉnh cách hỗ trợ từng học sinh.",
        "2025-11-18",
        &["chuyên môn"],
    ),
    a(
        ACT,
        "Diễn tập phòng cháy chữa cháy tại khu bán trú",
        "Học sinh và giáo viên thực hành thoát nạn và sử dụng bình chữa cháy.",
        "2025-11-25",
        &["an toàn", "bán trú"],
    ),
    a(
        ACT,
        "Phong trào \"Vở sạch – chữ đẹp\" học kỳ I",
        "Hai mươi học sinh được khen thưởng trong phong trào rèn chữ giữ vở.",
        "2025-12-05",
        &["vở sạch chữ đẹp"],
    ),
    a(
        ACT,
        "Chương trình \"Sữa học đường\" tại điểm trường Nậm Mươn",
        "Học sinh điểm trường Nậm Mươn được uống sữa miễn phí hằng tuần.",
        "2025-12-10",
        &["dinh dưỡng"],
    ),
    a(
        ACT,
        "Thi viết chữ đẹp cấp trường",
        "Cuộc thi có 85 học sinh từ lớp 1 đến lớp 5 tham gia.",
        "2026-01-08",
        &["vở sạch chữ đẹp", "cuộc thi"],
    ),
    a(
        ACT,
        "Học sinh tham gia vệ sinh môi trường, trồng cây đầu xuân",
        "Hơn 150 cây xanh được trồng quanh sân trường và khu bán trú.",
        "2026-02-24",
        &["môi trường"],
    ),
    a(
        ACT,
        "Tiết học STEM \"Chế tạo xe chạy bằng bóng bay\"",
        "Học sinh lớp 4 tự thiết kế và chạy thử chiếc xe đầu tiên của mình.",
        "2026-02-26",
        &["STEM"],
    ),
    a(
        ACT,
        "Giao lưu \"Tiếng Việt của chúng em\" cho học sinh dân tộc thiểu số",
        "Học sinh kể chuyện, đọc thơ và hát bằng tiếng Việt.",
        "2026-03-10",
        &["tiếng Việt", "cuộc thi"],
    ),
    a(
        ACT,
        "Hội khỏe Phù Đổng cấp trường năm 2026",
        "Học sinh tranh tài ở các môn chạy, nhảy xa, kéo co và đẩy gậy.",
        "2026-03-24",
        &["thể thao", "Hội khỏe Phù Đổng"],
    ),
    a(
        ACT,
        "Lễ kết nạp đội viên mới nhân ngày 26/3",
        "Sáu mươi học sinh được kết nạp vào Đội Thiếu niên Tiền phong Hồ Chí Minh.",
        "2026-03-26",
        &["Đội"],
    ),
    a(
        ACT,
        "Ngày hội \"Thiếu nhi vui khỏe – Tiến bước lên Đoàn\"",
        "Các chi đội tham gia trò chơi vận động và hội thi nghi thức.",
        "2026-03-30",
        &["Đội"],
    ),
    a(
        ACT,
        "Thi kể chuyện theo sách cấp trường",
        "Học sinh kể lại những câu chuyện yêu thích đọc được ở thư viện trường.",
        "2026-04-15",
        &["đọc sách", "cuộc thi"],
    ),
    a(
        ACT,
        "Giao lưu bóng đá mini giữa các điểm trường",
        "Sáu đội bóng học sinh tranh tài trên sân trường chính.",
        "2026-04-28",
        &["thể thao"],
    ),
    a(
        ACT,
        "Tuyên truyền phòng chống đuối nước trước kỳ nghỉ hè",
        "Học sinh được hướng dẫn kỹ năng an toàn khi đi tắm suối.",
        "2026-05-20",
        &["an toàn", "kỹ năng sống"],
    ),
    a(
        POLICY,
        "Chính sách miễn học phí đối với học sinh tiểu học",
        "Học sinh tiểu học trường công lập không phải đóng học phí.",
        "2025-09-10",
        &["học phí"],
    ),
    a(
        POLICY,
        "Chế độ hỗ trợ học sinh bán trú năm học 2025-2026",
        "Học sinh bán trú được hỗ trợ tiền ăn và tiền nhà ở theo Nghị định 116/2016/NĐ-CP.",
        "2025-09-15",
        &["bán trú", "Nghị định 116"],
    ),
    a(
        POLICY,
        "Quy định về đánh giá học sinh tiểu học theo Thông tư 27/2020/TT-BGDĐT",
        "Cha mẹ học sinh tìm hiểu cách nhà trường nhận xét và đánh giá học sinh.",
        "2025-09-18",
        &["đánh giá học sinh"],
    ),
    a(
        POLICY,
        "Bảo hiểm y tế học sinh năm học 2025-2026",
        "Học sinh người dân tộc thiểu số ở vùng đặc biệt khó khăn được cấp thẻ bảo hiểm y tế.",
        "2025-09-22",
        &["bảo hiểm y tế"],
    ),
    a(
        POLICY,
        "Hỗ trợ gạo cho học sinh vùng đặc biệt khó khăn",
        "Mỗi học sinh bán trú được hỗ trợ 15 kg gạo mỗi tháng.",
        "2025-10-05",
        &["bán trú", "Nghị định 116"],
    ),
    a(
        POLICY,
        "Chế độ phụ cấp thu hút đối với giáo viên công tác tại vùng đặc biệt khó khăn",
        "Giáo viên được hưởng phụ cấp thu hút theo quy định hiện hành.",
        "2025-11-01",
        &["giáo viên"],
    ),
    a(
        POLICY,
        "Bảo vệ dữ liệu cá nhân của học sinh và cha mẹ học sinh",
        "Nhà trường thực hiện Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu cá nhân.",
        "2025-12-01",
        &["dữ liệu cá nhân"],
    ),
    a(
        NOTICE,
        "Lịch tiếp công dân của Hiệu trưởng",
        "Hiệu trưởng tiếp công dân vào sáng thứ Năm hằng tuần tại văn phòng nhà trường.",
        "2025-09-08",
        &["tiếp công dân"],
    ),
    a(
        NOTICE,
        "Thông báo họp cha mẹ học sinh đầu năm học",
        "Cuộc họp diễn ra lúc 8 giờ ngày 14/9/2025 tại các lớp học.",
        "2025-09-12",
        &["cha mẹ học sinh"],
    ),
    a(
        NOTICE,
        "Thông báo lịch kiểm tra định kỳ cuối học kỳ I",
        "Kiểm tra định kỳ môn Tiếng Việt và Toán từ ngày 29/12/2025 đến 31/12/2025.",
        "2025-12-20",
        &["kiểm tra định kỳ"],
    ),
    a(
        NOTICE,
        "Lịch nghỉ Tết Nguyên đán Bính Ngọ 2026",
        "Học sinh nghỉ Tết từ ngày 14/2/2026 đến hết ngày 22/2/2026.",
        "2026-01-20",
        &["Tết", "lịch nghỉ"],
    ),
    a(
        NOTICE,
        "Thông báo tuyển sinh vào lớp 1 năm học 2026-2027",
        "Nhà trường nhận hồ sơ tuyển sinh lớp 1 từ ngày 1/7 đến 31/7/2026.",
        "2026-05-10",
        &["tuyển sinh", "lớp 1"],
    ),
    a(
        NOTICE,
        "Thông báo nghỉ hè và lịch tựu trường năm học 2026-2027",
        "Học sinh tựu trường ngày 25/8/2026.",
        "2026-05-28",
        &["lịch nghỉ"],
    ),
    a(
        NOTICE,
        "Thông báo công khai chất lượng giáo dục năm học 2025-2026",
        "Nhà trường công khai chất lượng giáo dục theo Thông tư 09/2024/TT-BGDĐT.",
        "2026-06-15",
        &["công khai"],
    ),
    a(
        NOTICE,
        "Thông báo tiếp nhận hồ sơ chuyển trường",
        "Văn phòng nhà trường nhận hồ sơ chuyển trường trong giờ hành chính.",
        "2026-07-15",
        &["chuyển trường", "thủ tục hành chính"],
    ),
];

/// What every article of a category says after its summary.
pub fn body_paragraphs(category: &str) -> [&'static str; 2] {
    match category {
        NEWS => [
            "Tham dự có đại diện lãnh đạo Phòng Giáo dục và Đào tạo huyện Mường Chà, Đảng ủy, Ủy ban nhân dân xã và Ban đại diện cha mẹ học sinh.",
            "Phát biểu tại buổi lễ, thầy Hiệu trưởng cảm ơn sự quan tâm của các cấp, các ngành và mong cha mẹ học sinh tiếp tục đồng hành cùng nhà trường.",
        ],
        ACT => [
            "Hoạt động nằm trong kế hoạch giáo dục của nhà trường, giúp học sinh rèn luyện kỹ năng, mạnh dạn và tự tin hơn.",
            "Các thầy cô chủ nhiệm đã chuẩn bị chu đáo; học sinh ở bán trú cũng được tham gia đầy đủ.",
        ],
        POLICY => [
            "Cha mẹ học sinh cần biết thêm chi tiết có thể liên hệ văn phòng nhà trường trong giờ hành chính hoặc gửi câu hỏi qua Trang thông tin điện tử.",
            "Nhà trường công khai danh sách học sinh được hưởng chính sách tại bảng tin và tại các điểm trường.",
        ],
        _ => [
            "Đề nghị cha mẹ học sinh và các thầy cô giáo nắm được thông tin và thực hiện đúng thời gian.",
            "Mọi thắc mắc xin liên hệ văn phòng nhà trường, điện thoại 0215 3 840 123.",
        ],
    }
}

pub struct Document {
    pub slug: &'static str,
    pub number: &'static str,
    pub form: &'static str,
    pub title: &'static str,
    pub issuer: &'static str,
    pub signer: &'static str,
    pub signer_title: &'static str,
    pub signed_on: &'static str,
    pub effective_on: Option<&'static str>,
    /// The category it is filed under.
    pub category: &'static str,
    /// (relation kind, slug of an earlier document).
    pub relations: &'static [(&'static str, &'static str)],
}

const OWN: &str = "Văn bản của nhà trường";
const ABOVE: &str = "Văn bản cấp trên";
const MOET: &str = "Bộ Giáo dục và Đào tạo";
const GOV: &str = "Chính phủ";

#[allow(clippy::too_many_arguments)]
const fn d(
    slug: &'static str,
    number: &'static str,
    form: &'static str,
    title: &'static str,
    issuer: &'static str,
    signer: (&'static str, &'static str),
    dates: (&'static str, Option<&'static str>),
    category: &'static str,
    relations: &'static [(&'static str, &'static str)],
) -> Document {
    Document {
        slug,
        number,
        form,
        title,
        issuer,
        signer: signer.0,
        signer_title: signer.1,
        signed_on: dates.0,
        effective_on: dates.1,
        category,
        relations,
    }
}

const PRINCIPAL_SIGNS: (&str, &str) = ("Lò Văn Thành", "Hiệu trưởng");

/// In order: a document's relations name only documents above it.
pub const DOCUMENTS: [Document; 20] = [
    d(
        "tt-30-2014",
        "30/2014/TT-BGDĐT",
        "circular",
        "Ban hành Quy định đánh giá học sinh tiểu học",
        MOET,
        ("Nguyễn Vinh Hiển", "Thứ trưởng"),
        ("2014-08-28", Some("2014-10-15")),
        ABOVE,
        &[],
    ),
    d(
        "tt-22-2016",
        "22/2016/TT-BGDĐT",
        "circular",
        "Sửa đổi, bổ sung một số điều của Quy định đánh giá học sinh tiểu học ban hành kèm theo Thông tư số 30/2014/TT-BGDĐT",
        MOET,
        ("Nguyễn Thị Nghĩa", "Thứ trưởng"),
        ("2016-09-22", Some("2016-11-06")),
        ABOVE,
        &[("amends", "tt-30-2014")],
    ),
    d(
        "tt-27-2020",
        "27/2020/TT-BGDĐT",
        "circular",
        "Ban hành Quy định đánh giá học sinh tiểu học",
        MOET,
        ("Nguyễn Hữu Độ", "Thứ trưởng"),
        ("2020-09-04", Some("2020-10-20")),
        ABOVE,
        &[("replaces", "tt-30-2014"), ("replaces", "tt-22-2016")],
    ),
    d(
        "tt-28-2020",
        "28/2020/TT-BGDĐT",
        "circular",
        "Ban hành Điều lệ Trường tiểu học",
        MOET,
        ("Nguyễn Hữu Độ", "Thứ trưởng"),
        ("2020-09-04", Some("2020-10-20")),
        ABOVE,
        &[],
    ),
    d(
        "tt-32-2018",
        "32/2018/TT-BGDĐT",
        "circular",
        "Ban hành Chương trình giáo dục phổ thông",
        MOET,
        ("Nguyễn Hữu Độ", "Thứ trưởng"),
        ("2018-12-26", Some("2019-02-09")),
        ABOVE,
        &[],
    ),
    d(
        "nd-116-2016",
        "116/2016/NĐ-CP",
        "decree",
        "Quy định chính sách hỗ trợ học sinh và trường phổ thông ở xã, thôn đặc biệt khó khăn",
        GOV,
        ("Nguyễn Xuân Phúc", "Thủ tướng"),
        ("2016-07-18", Some("2016-09-01")),
        ABOVE,
        &[],
    ),
    d(
        "nd-61-2018",
        "61/2018/NĐ-CP",
        "decree",
        "Về thực hiện cơ chế một cửa, một cửa liên thông trong giải quyết thủ tục hành chính",
        GOV,
        ("Nguyễn Xuân Phúc", "Thủ tướng"),
        ("2018-04-23", Some("2018-06-21")),
        ABOVE,
        &[],
    ),
    d(
        "nd-30-2020",
        "30/2020/NĐ-CP",
        "decree",
        "Về công tác văn thư",
        GOV,
        ("Nguyễn Xuân Phúc", "Thủ tướng"),
        ("2020-03-05", None),
        ABOVE,
        &[],
    ),
    d(
        "nd-42-2022",
        "42/2022/NĐ-CP",
        "decree",
        "Quy định về việc cung cấp thông tin và dịch vụ công trực tuyến của cơ quan nhà nước trên môi trường mạng",
        GOV,
        ("Lê Minh Khái", "Phó Thủ tướng"),
        ("2022-06-24", Some("2022-08-15")),
        ABOVE,
        &[],
    ),
    d(
        "nd-13-2023",
        "13/2023/NĐ-CP",
        "decree",
        "Về bảo vệ dữ liệu cá nhân",
        GOV,
        ("Trần Lưu Quang", "Phó Thủ tướng"),
        ("2023-04-17", Some("2023-07-01")),
        ABOVE,
        &[],
    ),
    d(
        "cv-215-pgd",
        "215/PGDĐT-GDTH",
        "official_letter",
        "Hướng dẫn thực hiện nhiệm vụ giáo dục tiểu học năm học 2025-2026",
        "Phòng Giáo dục và Đào tạo huyện Mường Chà",
        ("Lường Văn Tiến", "Trưởng phòng"),
        ("2025-09-10", None),
        ABOVE,
        &[("based_on", "tt-32-2018")],
    ),
    d(
        "qd-38-ths1mm",
        "38/QĐ-THS1MM",
        "decision",
        "Quyết định thành lập Ban biên tập Trang thông tin điện tử",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2025-09-05", None),
        OWN,
        &[("based_on", "nd-42-2022")],
    ),
    d(
        "qd-39-ths1mm",
        "39/QĐ-THS1MM",
        "decision",
        "Quyết định ban hành Quy chế hoạt động của Trang thông tin điện tử",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2025-09-08", None),
        OWN,
        &[("based_on", "nd-42-2022"), ("based_on", "qd-38-ths1mm")],
    ),
    d(
        "kh-45-ths1mm",
        "45/KH-THS1MM",
        "plan",
        "Kế hoạch giáo dục nhà trường năm học 2025-2026",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2025-09-15", None),
        OWN,
        &[("implements", "cv-215-pgd"), ("based_on", "tt-32-2018")],
    ),
    d(
        "qc-3-ths1mm",
        "3/QC-THS1MM",
        "regulation",
        "Quy chế thực hiện dân chủ trong hoạt động của nhà trường",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2025-10-01", None),
        OWN,
        &[("based_on", "tt-28-2020")],
    ),
    d(
        "qd-52-ths1mm",
        "52/QĐ-THS1MM",
        "decision",
        "Quyết định kiện toàn Ban biên tập Trang thông tin điện tử",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2025-11-20", Some("2025-12-01")),
        OWN,
        &[("replaces", "qd-38-ths1mm")],
    ),
    d(
        "qd-55-ths1mm",
        "55/QĐ-THS1MM",
        "decision",
        "Quyết định ban hành Quy chế chi tiêu nội bộ năm 2026",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2026-01-05", None),
        OWN,
        &[],
    ),
    d(
        "bc-7-ths1mm",
        "7/BC-THS1MM",
        "report",
        "Báo cáo sơ kết học kỳ I năm học 2025-2026",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2026-01-15", None),
        OWN,
        &[("based_on", "kh-45-ths1mm")],
    ),
    d(
        "kh-20-ths1mm",
        "20/KH-THS1MM",
        "plan",
        "Kế hoạch tổ chức Hội khỏe Phù Đổng cấp trường năm 2026",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2026-03-02", None),
        OWN,
        &[("implements", "kh-45-ths1mm")],
    ),
    d(
        "tb-12-ths1mm",
        "12/TB-THS1MM",
        "notice",
        "Thông báo tuyển sinh vào lớp 1 năm học 2026-2027",
        SCHOOL,
        PRINCIPAL_SIGNS,
        ("2026-05-10", None),
        OWN,
        &[("based_on", "tt-28-2020")],
    ),
];

pub struct Guide {
    pub slug: &'static str,
    pub title: &'static str,
    pub code: Option<&'static str>,
    pub field: &'static str,
    pub applicants: &'static str,
    pub steps: &'static [(&'static str, &'static str)],
    /// (name, copy kind, copies, whether the school offers a blank form).
    pub papers: &'static [(&'static str, &'static str, i32, bool)],
    pub processing_days: i32,
    pub fee_vnd: i64,
    pub online: bool,
    pub result: &'static str,
    /// Slugs of documents.
    pub legal_basis: &'static [&'static str],
}

pub const OFFICE: &str = "Văn phòng nhà trường, bản Mường Mươn, xã Mường Mươn, huyện Mường Chà; sáng thứ Hai đến thứ Sáu, 7 giờ 30 đến 11 giờ";
pub const POST_ADDRESS: &str =
    "Trường PTDTBT Tiểu học Mường Mươn, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên";

pub const GUIDES: [Guide; 5] = [
    Guide {
        slug: "chuyen-truong-doi-voi-hoc-sinh-tieu-hoc",
        title: "Chuyển trường đối với học sinh tiểu học",
        code: Some("1.004493"),
        field: "Giáo dục tiểu học",
        applicants: "Cha mẹ hoặc người giám hộ của học sinh tiểu học",
        steps: &[
            (
                "Nộp hồ sơ",
                "Cha mẹ học sinh nộp đơn đề nghị chuyển trường tại trường nơi chuyển đến.",
            ),
            (
                "Trường nơi đến xem xét",
                "Trong 1 ngày làm việc, trường nơi đến đồng ý tiếp nhận và ghi vào đơn.",
            ),
            (
                "Trường nơi đi trả hồ sơ",
                "Trong 2 ngày làm việc, trường nơi đi trả hồ sơ học sinh cho cha mẹ học sinh.",
            ),
        ],
        papers: &[
            ("Đơn đề nghị chuyển trường", "original", 1, true),
            ("Học bạ", "original", 1, false),
            ("Giấy giới thiệu chuyển trường", "original", 1, false),
        ],
        processing_days: 3,
        fee_vnd: 0,
        online: true,
        result: "Học sinh được tiếp nhận vào học tại trường nơi chuyển đến",
        legal_basis: &["tt-28-2020"],
    },
    Guide {
        slug: "tuyen-sinh-vao-lop-1",
        title: "Tuyển sinh vào lớp 1",
        code: None,
        field: "Giáo dục tiểu học",
        applicants: "Trẻ em 6 tuổi cư trú trên địa bàn xã Mường Mươn",
        steps: &[
            (
                "Nộp hồ sơ",
                "Cha mẹ nộp hồ sơ tại văn phòng nhà trường hoặc tại điểm trường gần nhà trong thời gian tuyển sinh.",
            ),
            (
                "Nhà trường xét tuyển",
                "Nhà trường kiểm tra hồ sơ và lập danh sách học sinh lớp 1.",
            ),
            (
                "Công bố kết quả",
                "Danh sách được niêm yết tại nhà trường và đăng trên Trang thông tin điện tử.",
            ),
        ],
        papers: &[
            ("Đơn xin nhập học", "original", 1, true),
            ("Bản sao giấy khai sinh", "certified_copy", 1, false),
            ("Giấy xác nhận thông tin về cư trú", "copy", 1, false),
        ],
        processing_days: 5,
        fee_vnd: 0,
        online: true,
        result: "Danh sách học sinh được tuyển vào lớp 1",
        legal_basis: &["tt-28-2020", "tb-12-ths1mm"],
    },
    Guide {
        slug: "xac-nhan-hoc-sinh-dang-hoc-tai-truong",
        title: "Xác nhận học sinh đang học tại trường",
        code: None,
        field: "Giáo dục tiểu học",
        applicants: "Cha mẹ hoặc người giám hộ của học sinh đang học tại trường",
        steps: &[
            (
                "Nộp đơn",
                "Cha mẹ học sinh nộp đơn tại văn phòng nhà trường.",
            ),
            (
                "Nhận giấy xác nhận",
                "Văn phòng trả giấy xác nhận có chữ ký của Hiệu trưởng.",
            ),
        ],
        papers: &[("Đơn đề nghị xác nhận", "original", 1, true)],
        processing_days: 1,
        fee_vnd: 0,
        online: false,
        result: "Giấy xác nhận học sinh đang học tại trường",
        legal_basis: &["tt-28-2020", "nd-30-2020"],
    },
    Guide {
        slug: "ho-tro-hoc-sinh-ban-tru",
        title: "Hỗ trợ tiền ăn, tiền nhà ở và gạo cho học sinh bán trú",
        code: Some("1.001639"),
        field: "Chính sách học sinh",
        applicants: "Học sinh tiểu học ở xã, thôn đặc biệt khó khăn không thể đi đến trường và trở về nhà trong ngày",
        steps: &[
            (
                "Nộp hồ sơ",
                "Cha mẹ học sinh nộp đơn đề nghị hỗ trợ tại nhà trường trong 15 ngày đầu năm học.",
            ),
            (
                "Nhà trường lập danh sách",
                "Nhà trường xét duyệt và gửi danh sách lên Phòng Giáo dục và Đào tạo.",
            ),
            (
                "Phê duyệt và chi trả",
                "Sau khi được phê duyệt, nhà trường chi trả hằng tháng cho học sinh.",
            ),
        ],
        papers: &[
            ("Đơn đề nghị hỗ trợ", "original", 1, true),
            ("Giấy xác nhận thông tin về cư trú", "copy", 1, false),
        ],
        processing_days: 15,
        fee_vnd: 0,
        online: false,
        result: "Quyết định hỗ trợ của Ủy ban nhân dân huyện",
        legal_basis: &["nd-116-2016"],
    },
    Guide {
        slug: "cap-ban-sao-hoc-ba",
        title: "Cấp bản sao học bạ",
        code: None,
        field: "Văn bằng, chứng chỉ",
        applicants: "Học sinh đã học tại trường, hoặc cha mẹ, người giám hộ của học sinh",
        steps: &[
            (
                "Nộp đơn",
                "Người đề nghị nộp đơn và giấy tờ tùy thân tại văn phòng nhà trường hoặc gửi qua bưu điện.",
            ),
            ("Nhận bản sao", "Văn phòng cấp bản sao học bạ từ sổ gốc."),
        ],
        papers: &[
            ("Đơn đề nghị cấp bản sao học bạ", "original", 1, true),
            ("Căn cước của người đề nghị", "copy", 1, false),
        ],
        processing_days: 2,
        fee_vnd: 10_000,
        online: false,
        result: "Bản sao học bạ",
        legal_basis: &["nd-30-2020", "nd-61-2018"],
    },
];

/// (slug, title, parent slug, position, body).
pub const PAGES: [(&str, &str, Option<&str>, i32, &str); 7] = [
    (
        "gioi-thieu-chung",
        "Giới thiệu chung",
        None,
        1,
        "<p>Trường Phổ thông Dân tộc Bán trú Tiểu học Mường Mươn nằm ở xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên. Trường có năm điểm trường, hơn 600 học sinh, phần lớn là con em đồng bào Thái, Mông và Khơ Mú; hơn 200 em ở bán trú.</p>",
    ),
    (
        "lich-su-hinh-thanh-va-phat-trien",
        "Lịch sử hình thành và phát triển",
        Some("gioi-thieu-chung"),
        1,
        "<p>Trường được thành lập năm 1962 với hai lớp học tranh tre. Năm 2012 trường trở thành trường phổ thông dân tộc bán trú; năm 2025 đạt chuẩn quốc gia mức độ 1.</p>",
    ),
    (
        "co-cau-to-chuc",
        "Cơ cấu tổ chức",
        Some("gioi-thieu-chung"),
        2,
        "<p>Ban giám hiệu gồm Hiệu trưởng và hai Phó Hiệu trưởng; năm tổ chuyên môn theo khối lớp và tổ văn phòng.</p>",
    ),
    (
        "co-so-vat-chat",
        "Cơ sở vật chất",
        Some("gioi-thieu-chung"),
        3,
        "<p>Trường có 28 phòng học kiên cố, thư viện, phòng tin học và khu nội trú cho học sinh bán trú.</p>",
    ),
    (
        "thanh-tich",
        "Thành tích",
        Some("gioi-thieu-chung"),
        4,
        "<p>Nhiều năm liền trường đạt danh hiệu Tập thể lao động tiên tiến.</p>",
    ),
    (
        "cac-diem-truong",
        "Các điểm trường",
        Some("co-so-vat-chat"),
        1,
        "<p>Điểm trường chính, Nậm Mươn, Huổi Lếch, Huổi Văn và Pá Tong.</p>",
    ),
    (
        "lien-he",
        "Liên hệ",
        None,
        9,
        "<p>Văn phòng nhà trường: bản Mường Mươn, xã Mường Mươn, huyện Mường Chà, tỉnh Điện Biên. Điện thoại 0215 3 840 123.</p>",
    ),
];

pub struct Member {
    pub slug: &'static str,
    pub name: &'static str,
    pub position: &'static str,
    pub unit: &'static str,
    pub order: i32,
    pub term: (Option<&'static str>, Option<&'static str>),
    /// (kind, value, public).
    pub contacts: &'static [(&'static str, &'static str, bool)],
    pub bio: &'static str,
}

const BGH: &str = "Ban giám hiệu";

pub const DIRECTORY: [Member; 7] = [
    Member {
        slug: "lo-van-thanh",
        name: "Lò Văn Thành",
        position: "Hiệu trưởng",
        unit: BGH,
        order: 1,
        term: (Some("2020-09-01"), None),
        contacts: &[
            ("phone", "0215 3 840 123", true),
            ("email", "hieutruong@muongmuon.edu.vn", true),
            ("phone", "0912 345 678", false),
        ],
        bio: "Hiệu trưởng nhà trường từ năm học 2020-2021; trước đó là giáo viên tại điểm trường Huổi Lếch.",
    },
    Member {
        slug: "pham-thi-ngan",
        name: "Phạm Thị Ngân",
        position: "Phó Hiệu trưởng",
        unit: BGH,
        order: 2,
        term: (Some("2018-09-01"), None),
        contacts: &[
            ("email", "truongban@muongmuon.edu.vn", true),
            ("phone", "0987 111 222", false),
        ],
        bio: "Phụ trách chuyên môn; Trưởng ban biên tập Trang thông tin điện tử.",
    },
    Member {
        slug: "quang-van-dung",
        name: "Quàng Văn Dũng",
        position: "Phó Hiệu trưởng",
        unit: BGH,
        order: 3,
        term: (Some("2022-09-01"), None),
        contacts: &[("phone", "0977 333 444", false)],
        bio: "Phụ trách cơ sở vật chất và công tác bán trú.",
    },
    Member {
        slug: "lo-thi-hoa",
        name: "Lò Thị Hoa",
        position: "Tổ trưởng tổ khối 1",
        unit: "Tổ chuyên môn khối 1",
        order: 10,
        term: (None, None),
        contacts: &[("email", "thanhvien@muongmuon.edu.vn", true)],
        bio: "",
    },
    Member {
        slug: "vi-thi-mai",
        name: "Vì Thị Mai",
        position: "Tổ trưởng tổ khối 4–5",
        unit: "Tổ chuyên môn khối 4–5",
        order: 11,
        term: (None, None),
        contacts: &[],
        bio: "",
    },
    Member {
        slug: "ca-van-hung",
        name: "Cà Văn Hùng",
        position: "Hiệu trưởng",
        unit: BGH,
        order: 1,
        term: (Some("2012-09-01"), Some("2020-09-01")),
        contacts: &[],
        bio: "Hiệu trưởng từ năm 2012 đến năm 2020, người xây dựng trường bán trú.",
    },
    Member {
        slug: "vi-van-son",
        name: "Vì Văn Sơn",
        position: "Hiệu trưởng",
        unit: BGH,
        order: 1,
        term: (Some("2003-09-01"), Some("2012-09-01")),
        contacts: &[],
        bio: "",
    },
];

pub struct Teaching {
    pub slug: &'static str,
    pub title: &'static str,
    pub resource_type: &'static str,
    /// Names written in; the contributor's account is added to every other one.
    pub authors: &'static [&'static str],
    pub school_year: &'static str,
    pub subject: &'static str,
    pub grade: Option<i32>,
    pub summary: &'static str,
    pub award: Option<&'static str>,
}

pub const RESOURCES: [Teaching; 6] = [
    Teaching {
        slug: "bien-phap-hoc-tot-phep-chia-lop-3",
        title: "Một số biện pháp giúp học sinh lớp 3 học tốt phép chia",
        resource_type: "initiative",
        authors: &["Lường Văn Minh"],
        school_year: "2025-2026",
        subject: "Toán",
        grade: Some(3),
        summary: "Dùng que tính, trò chơi chia kẹo và bài toán gắn với bữa ăn bán trú.",
        award: Some("district"),
    },
    Teaching {
        slug: "bai-giang-dien-tu-chu-cai-a",
        title: "Bài giảng điện tử: Làm quen với chữ a",
        resource_type: "e_lesson",
        authors: &[],
        school_year: "2025-2026",
        subject: "Tiếng Việt",
        grade: Some(1),
        summary: "Bài giảng có hình ảnh và âm thanh cho học sinh lớp 1 người dân tộc thiểu số.",
        award: Some("school"),
    },
    Teaching {
        slug: "trinh-chieu-vong-tuan-hoan-cua-nuoc",
        title: "Trình chiếu: Vòng tuần hoàn của nước",
        resource_type: "slides",
        authors: &["Tòng Thị Hương"],
        school_year: "2024-2025",
        subject: "Khoa học",
        grade: Some(4),
        summary: "Hai mươi trang trình chiếu dùng cho tiết Khoa học lớp 4.",
        award: None,
    },
    Teaching {
        slug: "bo-do-dung-hoc-toan-tu-lam",
        title: "Bộ đồ dùng học Toán tự làm từ vật liệu tái chế",
        resource_type: "teaching_aid",
        authors: &["Lò Thị Hoa"],
        school_year: "2025-2026",
        subject: "Toán",
        grade: Some(1),
        summary: "Que tính, bảng cài và hình khối làm từ tre, nứa và hộp giấy.",
        award: Some("province"),
    },
    Teaching {
        slug: "de-kiem-tra-cuoi-hoc-ki-i-tieng-viet-lop-5",
        title: "Đề kiểm tra cuối học kì I môn Tiếng Việt lớp 5",
        resource_type: "test_paper",
        authors: &[],
        school_year: "2025-2026",
        subject: "Tiếng Việt",
        grade: Some(5),
        summary: "Đề kiểm tra đọc hiểu và viết theo Thông tư 27/2020/TT-BGDĐT, kèm hướng dẫn chấm.",
        award: None,
    },
    Teaching {
        slug: "nghien-cuu-day-tieng-viet-cho-hoc-sinh-dan-toc",
        title: "Nghiên cứu dạy Tiếng Việt cho học sinh dân tộc thiểu số ở bán trú",
        resource_type: "research",
        authors: &["Lường Văn Minh", "Tòng Thị Hương"],
        school_year: "2024-2025",
        subject: "Tiếng Việt",
        grade: None,
        summary: "Đề tài cấp trường về tăng cường tiếng Việt qua sinh hoạt bán trú buổi tối.",
        award: Some("school"),
    },
];

/// (title, url, group, order).
pub const LINKS: [(&str, &str, &str, i32); 9] = [
    (
        "Bộ Giáo dục và Đào tạo",
        "https://moet.gov.vn",
        "central",
        1,
    ),
    (
        "Cổng Dịch vụ công quốc gia",
        "https://dichvucong.gov.vn",
        "central",
        2,
    ),
    (
        "Cơ sở dữ liệu quốc gia về văn bản pháp luật",
        "https://vbpl.vn",
        "central",
        3,
    ),
    (
        "Sở Giáo dục và Đào tạo tỉnh Điện Biên",
        "https://sogddt.dienbien.gov.vn",
        "province",
        1,
    ),
    (
        "Cổng thông tin điện tử tỉnh Điện Biên",
        "https://dienbien.gov.vn",
        "province",
        2,
    ),
    (
        "Ủy ban nhân dân huyện Mường Chà",
        "https://muongcha.dienbien.gov.vn",
        "district",
        1,
    ),
    (
        "Phòng Giáo dục và Đào tạo huyện Mường Chà",
        "https://pgdmuongcha.edu.vn",
        "district",
        2,
    ),
    (
        "Trường PTDTBT Tiểu học Hừa Ngài",
        "https://thhuangai.edu.vn",
        "district_schools",
        1,
    ),
    (
        "Trường PTDTBT Tiểu học Sa Lông",
        "https://thsalong.edu.vn",
        "district_schools",
        2,
    ),
];
