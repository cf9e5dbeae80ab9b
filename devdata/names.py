"""Name parts from which synthetic organizations, clusters and news items are composed."""

# (region code, Korean, English, relative weight: where bio organizations actually gather)
REGIONS = [
    ("seoul", "서울", "Seoul", 20),
    ("gyeonggi", "경기", "Gyeonggi", 18),
    ("incheon", "인천", "Incheon", 7),
    ("daegu", "대구", "Daegu", 6),
    ("chungbuk", "충북", "Chungbuk", 6),
    ("daejeon", "대전", "Daejeon", 6),
    ("busan", "부산", "Busan", 5),
    ("gangwon", "강원", "Gangwon", 4),
    ("gyeongbuk", "경북", "Gyeongbuk", 4),
    ("chungnam", "충남", "Chungnam", 3),
    ("jeonbuk", "전북", "Jeonbuk", 3),
    ("jeonnam", "전남", "Jeonnam", 3),
    ("gyeongnam", "경남", "Gyeongnam", 3),
    ("gwangju", "광주", "Gwangju", 3),
    ("ulsan", "울산", "Ulsan", 2),
    ("sejong", "세종", "Sejong", 2),
    ("jeju", "제주", "Jeju", 1),
]

# (Korean, English, region code, latitude, longitude)
CITIES = [
    ("청주", "Cheongju", "chungbuk", 36.64, 127.49),
    ("오송", "Osong", "chungbuk", 36.63, 127.33),
    ("충주", "Chungju", "chungbuk", 36.99, 127.93),
    ("원주", "Wonju", "gangwon", 37.34, 127.92),
    ("춘천", "Chuncheon", "gangwon", 37.88, 127.73),
    ("강릉", "Gangneung", "gangwon", 37.75, 128.88),
    ("송도", "Songdo", "incheon", 37.38, 126.66),
    ("마곡", "Magok", "seoul", 37.56, 126.83),
    ("홍릉", "Hongneung", "seoul", 37.59, 127.04),
    ("판교", "Pangyo", "gyeonggi", 37.40, 127.11),
    ("수원", "Suwon", "gyeonggi", 37.26, 127.03),
    ("광교", "Gwanggyo", "gyeonggi", 37.29, 127.05),
    ("안산", "Ansan", "gyeonggi", 37.32, 126.83),
    ("시흥", "Siheung", "gyeonggi", 37.38, 126.80),
    ("대구", "Daegu", "daegu", 35.87, 128.60),
    ("포항", "Pohang", "gyeongbuk", 36.02, 129.34),
    ("안동", "Andong", "gyeongbuk", 36.57, 128.73),
    ("경산", "Gyeongsan", "gyeongbuk", 35.83, 128.74),
    ("대전", "Daejeon", "daejeon", 36.35, 127.38),
    ("부산", "Busan", "busan", 35.18, 129.08),
    ("양산", "Yangsan", "gyeongnam", 35.34, 129.04),
    ("김해", "Gimhae", "gyeongnam", 35.23, 128.89),
    ("전주", "Jeonju", "jeonbuk", 35.82, 127.15),
    ("정읍", "Jeongeup", "jeonbuk", 35.57, 126.86),
    ("화순", "Hwasun", "jeonnam", 35.06, 126.99),
    ("순천", "Suncheon", "jeonnam", 34.95, 127.49),
    ("광주", "Gwangju", "gwangju", 35.16, 126.85),
    ("울산", "Ulsan", "ulsan", 35.54, 129.31),
    ("천안", "Cheonan", "chungnam", 36.82, 127.11),
    ("아산", "Asan", "chungnam", 36.79, 127.00),
    ("세종", "Sejong", "sejong", 36.48, 127.29),
    ("제주", "Jeju", "jeju", 33.50, 126.53),
]

FIELDS = [
    ("바이오의약", "Biopharma"),
    ("첨단의료", "Advanced Medical"),
    ("의료기기", "Medical Device"),
    ("유전체", "Genome"),
    ("줄기세포", "Stem Cell"),
    ("백신", "Vaccine"),
    ("디지털헬스", "Digital Health"),
    ("뇌과학", "Brain Science"),
    ("신약개발", "Drug Development"),
    ("재생의료", "Regenerative Medicine"),
    ("정밀의료", "Precision Medicine"),
    ("바이오소재", "Biomaterials"),
    ("천연물", "Natural Products"),
    ("한의약", "Korean Medicine"),
    ("화장품", "Cosmetics"),
    ("식품의약", "Food and Drug"),
    ("나노바이오", "Nanobio"),
    ("동물의약", "Veterinary Medicine"),
    ("해양바이오", "Marine Bio"),
    ("그린바이오", "Green Bio"),
    ("임상시험", "Clinical Trials"),
    ("의료데이터", "Medical Data"),
    ("바이오헬스", "Biohealth"),
    ("면역치료", "Immunotherapy"),
]

# Institution endings by organization kind: (Korean, English, former Korean ending)
ENDINGS = {
    "research_institute": [
        ("연구원", "Research Institute", "연구센터"),
        ("연구소", "Research Center", "연구실"),
        ("기술원", "Institute of Technology", "기술센터"),
    ],
    "public_agency": [
        ("진흥원", "Promotion Agency", "지원센터"),
        ("재단", "Foundation", "진흥회"),
        ("지원센터", "Support Center", "지원단"),
        ("테크노파크", "Technopark", "산업진흥재단"),
        ("진흥재단", "Promotion Foundation", "육성센터"),
    ],
    "association": [
        ("협회", "Association", "연합회"),
        ("협의회", "Council", "포럼"),
        ("산업협회", "Industry Association", "기업협의회"),
        ("학회", "Society", "연구회"),
    ],
    "other": [("센터", "Center", "사업단")],
}

COMPANY_SUFFIXES = [
    ("바이오", "Bio"),
    ("제약", "Pharmaceutical"),
    ("메디칼", "Medical"),
    ("헬스케어", "Healthcare"),
    ("테라퓨틱스", "Therapeutics"),
    ("랩스", "Labs"),
    ("사이언스", "Science"),
    ("젠", "Gen"),
    ("셀", "Cell"),
    ("팜", "Pharm"),
]

# Syllables of brand names with their romanization.
SYLLABLES = [
    ("한", "han"), ("빛", "bit"), ("셀", "cel"), ("젠", "gen"), ("메", "me"), ("디", "di"),
    ("진", "jin"), ("솔", "sol"), ("미", "mi"), ("래", "rae"), ("푸", "pu"), ("새", "sae"),
    ("온", "on"), ("누", "nu"), ("리", "ri"), ("아", "a"), ("라", "ra"), ("나", "na"),
    ("다", "da"), ("엘", "el"), ("티", "ti"), ("큐", "qu"), ("텍", "tek"), ("코", "co"),
    ("노", "no"), ("베", "be"), ("에", "e"), ("인", "in"), ("지", "ji"), ("파", "pa"),
    ("마", "ma"), ("로", "ro"), ("하", "ha"), ("늘", "neul"), ("해", "hae"), ("별", "byeol"),
    ("도", "do"), ("담", "dam"), ("유", "yu"), ("수", "su"), ("윤", "yun"), ("정", "jeong"),
    ("현", "hyeon"), ("우", "u"), ("성", "seong"), ("민", "min"), ("준", "jun"), ("서", "seo"),
    ("연", "yeon"), ("태", "tae"), ("명", "myeong"), ("앤", "an"), ("제", "je"), ("오", "o"),
    ("바", "ba"), ("비", "bi"), ("그", "geu"), ("린", "rin"), ("올", "ol"), ("케", "ke"),
]  # fmt: skip

CLUSTER_KINDS = [
    ("bio_cluster", "바이오클러스터", "Bio Cluster"),
    ("medical_complex", "첨단의료복합단지", "High-tech Medical Complex"),
    ("industrial_complex", "바이오산업단지", "Bio Industrial Complex"),
    ("rnd_zone", "연구개발특구", "R&D Special Zone"),
    ("techno_valley", "테크노밸리", "Techno Valley"),
    ("startup_hub", "바이오허브", "Bio Hub"),
    ("free_economic_zone", "경제자유구역", "Free Economic Zone"),
]

OUTLETS = [
    ("바이오산업신문", "bio-industry-news"),
    ("헬스경제일보", "health-economy-daily"),
    ("과학기술타임즈", "science-tech-times"),
    ("메디컬리포트", "medical-report"),
    ("지역경제뉴스", "regional-economy-news"),
    ("제약바이오저널", "pharma-bio-journal"),
    ("의료정책신문", "health-policy-news"),
    ("산업과학일보", "industry-science-daily"),
]

REPORTERS = ["김민준", "이서연", "박지훈", "최유진", "정하늘", "강도윤", "윤서아", "임태현", ""]
