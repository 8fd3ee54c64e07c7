#!/usr/bin/env python3
"""Generate plans/long-an.yaml: Long An province's Đề án 02 as a plancheck plan.

    python3 plans/tools/make-long-an.py [OUTPUT]

OUTPUT defaults to ../long-an.yaml next to this script. Python 3 standard
library only.

The output is deterministic: every figure that varies from unit to unit comes
from a hash of the unit's id, never from a clock or a seeded random generator,
so two runs give byte-identical files. Before writing, the script counts the
plan the way `plancheck stats` does (spec/cli.md, "stats") and stops with
status 1 if the figures of the provincial report (FACTS below) do not come
out exactly.

What follows the sources and what is made up:
- from the project's domain brief and the provincial report: the 15
  district-level units and their statistics codes, and the totals of FACTS
  (among them 192 communes, wards and towns, 188 after late 2019);
- real, as counts only: how many xã, phường and thị trấn each district had
  in 2018, and the shape of the changes of late 2019 (two pairs of xã merged
  into new xã, two xã absorbed by a town, one xã made a town); the divisions
  every district has under Decree 37/2014;
- generated: the names of all communes, wards and towns (common syllables of
  southern place names, combined per district, see commune_names());
- illustrative: the names of provincial divisions and public-service units
  (typical of a province, not Long An's exact list), every headcount, every
  date of progress, commune classes, and all people (fictitious names).
Headcounts and commune classes come from hashes, then are settled to the
fixed totals of TOTALS so that the plan's figures do not move when a name or
an id does.
"""

import hashlib
import json
import re
import sys
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2020, 6, 30)

# The figures the report states; `plancheck stats` must reproduce them.
FACTS = {
    "units": {                       # level: (start, after)
        "province": (1, 1),
        "department": (29, 27),      # 2 provincial focal units cut
        "division": (500, 407),      # 93 division-level focal units cut
        "district": (15, 15),
        "commune": (192, 188),
        "public-service": (813, 692),  # 121 public-service units merged
    },
    "leader_cuts": {                 # (level, leadership): reduction
        ("division", "head"): 93,    # 93 + 116 = 209 heads and deputies
        ("division", "deputy"): 116,
        ("public-service", "head"): 121,
        ("public-service", "deputy"): 108,
    },
    "staff_cuts": {"party": 54, "state": 155, "public-service": 1024},
    "merged_titles": {
        ("party-secretary", "pc-chair"): 23,
        ("political-school-director", "propaganda-head"): 15,
        ("dan-van-head", "mttq-chair"): 7,
    },
    "tasks": {                       # task: (done, owing)
        "merge-tuyen-giao-ttct": (15, 15),
        "merge-dan-van-mttq": (7, 15),
    },
    "commune_types_after": {"xa": 161, "phuong": 12, "thi-tran": 15},
}

# Totals of illustrative figures. Each unit's figure comes from a hash of its
# id and is then nudged, one unit at a time, so that these totals come out
# exactly: plans/README.md quotes them, and they should not move when a name
# or an id changes.
TOTALS = {
    "xa_classes": {                            # xã of 2018: (stay, merge)
        "I": (43, 2), "II": (84, 4), "III": (32, 0),
    },
    "commune_staff": (4_284, 3_934, 3_845),    # baseline, quota, actual
    "public_service_staff": (30_086, 28_731),  # baseline, actual
    "public_service_deputies": (1_136, 161),   # at start; in units merging
}


# ---------------------------------------------------------------- helpers

def h(*key):
    """A stable 64-bit number for a key."""
    text = "\x1f".join(str(k) for k in key)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def pick(lo, hi, *key):
    """A stable integer in [lo, hi] for a key."""
    return lo + h(*key) % (hi - lo + 1)


def nfc(s):
    return unicodedata.normalize("NFC", s)


def slug(s):
    """ASCII upper-case id part: 'Phước Đạt B' -> 'PHUOC-DAT-B'."""
    s = s.replace("Đ", "D").replace("đ", "d")
    s = "".join(c for c in unicodedata.normalize("NFD", s)
                if unicodedata.category(c) != "Mn")
    return re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").upper()


def day(base, offset):
    return base + timedelta(days=offset)


# ------------------------------------------------------------------ model

class Pos:
    """A position entry: a title, its holders, slots after, slots at start."""

    def __init__(self, title, slots=1, baseline=None, holders=()):
        self.title = title
        self.slots = slots
        self.baseline = slots if baseline is None else baseline
        self.holders = list(holders)
        self.locked = False          # excluded from automatic adjustment


class Unit:
    def __init__(self, uid, name, level, kind=None, status="active",
                 into=None, effective=None):
        self.id = uid
        self.name = nfc(name)
        self.level = level
        self.kind = kind
        self.status = status
        self.into = into
        self.effective = effective
        self.parent = None
        self.flat = False            # written at top level with `parent:`
        self.children = []
        self.positions = []
        self.staff = None            # {"baseline": n, "quota": n, "actual": n}
        self.fixed_staff = False     # quota set by hand, not by settle_staff
        self.attrs = None            # dict, or Raw text
        self.tags = []
        self.progress = {}
        self.x = {}                  # x- keys (ignored by the engine)
        self.comment = None          # comment lines written above the unit
        self.school = False          # a school: its staff settles TOTALS
        self.staff_range = None      # (lo, hi) baseline of a public-service unit

    @property
    def at_start(self):
        return self.status in ("active", "merged", "dissolved")

    @property
    def after(self):
        return self.status in ("active", "new")

    def add(self, child, comment=None):
        child.parent = self
        if comment:
            child.comment = comment
        self.children.append(child)
        REGISTRY.register(child)
        return child

    def pos(self, title, slots=1, baseline=None, holders=()):
        p = Pos(title, slots, baseline, holders)
        self.positions.append(p)
        return p


class Registry:
    def __init__(self):
        self.units = {}

    def register(self, u):
        if u.id in self.units:
            raise SystemExit("duplicate unit id " + u.id)
        self.units[u.id] = u

    def __getitem__(self, uid):
        return self.units[uid]

    def all(self):
        return list(self.units.values())


REGISTRY = Registry()


class Raw(str):
    """YAML text written as is (anchors, aliases, merge keys)."""


# ----------------------------------------------------------------- titles

# (id, name, kind, leadership); a string alone starts a commented group.
TITLES = [
    "Lãnh đạo cấp ủy và chính quyền các cấp",
    ("party-secretary", "Bí thư cấp ủy", "party", "head"),
    ("pc-chair", "Chủ tịch Ủy ban nhân dân", "state", "head"),
    ("pc-vice-chair", "Phó Chủ tịch Ủy ban nhân dân", "state", "deputy"),
    ("council-chair", "Chủ tịch Hội đồng nhân dân", "state", "head"),
    "Cơ quan chuyên môn, cơ quan tham mưu cấp tỉnh",
    ("department-head", "Giám đốc sở, Thủ trưởng cơ quan cấp tỉnh", "state", "head"),
    ("deputy-director", "Phó Giám đốc sở và tương đương", "state", "deputy"),
    ("board-head", "Trưởng ban và tương đương (cơ quan Đảng)", "party", "head"),
    ("board-deputy", "Phó Trưởng ban và tương đương (cơ quan Đảng)", "party", "deputy"),
    ("party-office-chief", "Chánh Văn phòng cấp ủy", "party", "head"),
    ("organisation-head", "Trưởng Ban Tổ chức cấp ủy", "party", "head"),
    ("inspection-committee-chair", "Chủ nhiệm Ủy ban Kiểm tra cấp ủy", "party", "head"),
    ("propaganda-head", "Trưởng Ban Tuyên giáo cấp ủy", "party", "head"),
    ("dan-van-head", "Trưởng Ban Dân vận cấp ủy", "party", "head"),
    ("mttq-chair", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam", "front", "head"),
    ("mttq-vice-chair", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam", "front", "deputy"),
    "Cấp phòng",
    ("division-head", "Trưởng phòng và tương đương", "state", "head"),
    ("division-deputy", "Phó Trưởng phòng và tương đương", "state", "deputy"),
    ("home-affairs-head", "Trưởng phòng Nội vụ cấp huyện", "state", "head"),
    ("chief-inspector", "Chánh Thanh tra cấp huyện", "state", "head"),
    "Đơn vị sự nghiệp công lập",
    ("ps-director", "Người đứng đầu đơn vị sự nghiệp công lập", "public-service", "head"),
    ("ps-deputy", "Cấp phó của người đứng đầu đơn vị sự nghiệp công lập", "public-service", "deputy"),
    ("political-school-director", "Giám đốc Trung tâm Chính trị cấp huyện", "party", "head"),
    "Người hoạt động không chuyên trách ở cấp xã, ấp và khu phố",
    ("commune-part-time", "Người hoạt động không chuyên trách ở cấp xã", "commune", None),
    ("hamlet-part-time", "Người hoạt động không chuyên trách ở ấp, khu phố", "commune", None),
    ("cell-secretary", "Bí thư chi bộ ấp, khu phố", "party", None),
    ("hamlet-head", "Trưởng ấp, khu phố", "state", None),
    ("front-committee-head", "Trưởng Ban công tác Mặt trận ấp, khu phố", "front", None),
]
LEADERSHIP = {t[0]: t[3] for t in TITLES if isinstance(t, tuple)}


# ----------------------------------------------------------------- people

SURNAMES = ("Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Nguyễn Trần Trần Trần Lê Lê Lê "
            "Huỳnh Huỳnh Võ Võ Phạm Phạm Phan Trương Bùi Đặng Đỗ Ngô Hồ Dương "
            "Lý Đinh Châu Lâm Mai Tô Đoàn Lương Cao Tạ").split()
MALE_MIDDLE = "Văn Văn Văn Hữu Minh Quốc Thanh Công Đức Hoàng Tấn Ngọc Phước Trung Thành".split()
MALE_GIVEN = ("An Bình Cường Dũng Hải Hùng Khánh Long Lâm Minh Nam Phong Phúc Quang "
              "Sơn Tâm Thành Thắng Tuấn Vinh Trí Nghĩa Lộc Tài Hiếu Hậu Hòa Kiệt "
              "Toàn Nhân Đạt Hưng Tùng Khải Thuận Trung Việt Thái Lực Sang").split()
FEMALE_MIDDLE = "Thị Thị Thị Ngọc Thanh Thu Kim Mỹ Hồng".split()
FEMALE_GIVEN = ("Hạnh Lan Hương Mai Nga Phượng Thảo Trang Yến Linh Hằng Nhung "
                "Diễm Loan Thủy Xuân Tuyết Hoa Dung Liên").split()


class People:
    def __init__(self):
        self.people = []             # dicts: id, name, attrs, group
        self.names = set()

    def new(self, key, group, merged=False, standing_committee=None):
        salt = 0
        while True:
            k = (key, salt)
            female = h("sex", *k) % 4 == 0
            mid, given = ((FEMALE_MIDDLE, FEMALE_GIVEN) if female
                          else (MALE_MIDDLE, MALE_GIVEN))
            name = " ".join((SURNAMES[h("sur", *k) % len(SURNAMES)],
                             mid[h("mid", *k) % len(mid)],
                             given[h("giv", *k) % len(given)]))
            if name not in self.names:
                break
            salt += 1
        self.names.add(name)
        pid = "P%04d" % (len(self.people) + 1)
        # Born 1962-07 .. 1980: at least 24 months of service left in 2020.
        attrs = {"born": day(date(1962, 7, 1), pick(0, 18 * 365, "born", key))}
        if merged:
            attrs["standing_committee"] = (True if standing_committee is None
                                           else standing_committee)
        self.people.append({"id": pid, "name": nfc(name), "attrs": attrs,
                            "group": group})
        return pid


PEOPLE = People()


# ------------------------------------------------------------ the province

PROVINCE_DEPARTMENTS = [
    # id, name, kind, head title, (deputies at start, after), status, into,
    # effective, divisions, public-service units.
    # Division lines: "Name" active; "Name > Target" merged into Target (a
    # division of the same department, or "UNIT-ID:Name"); "Name !"
    # dissolved; "+Name" new.  Public-service lines: "CODE lo-hi Name", with
    # "> CODE" for a merge and a leading "+" for a new unit.
    dict(id="LA-VPTU", name="Văn phòng Tỉnh ủy", kind="party",
         head="party-office-chief", deputies=(3, 3), divisions="""
            Phòng Tổng hợp
            Phòng Hành chính – Lưu trữ
            Phòng Quản trị – Tài vụ
            Phòng Tài chính Đảng > Phòng Quản trị – Tài vụ
            Phòng Công nghệ thông tin > Phòng Hành chính – Lưu trữ
            Phòng Đảng vụ > Phòng Tổng hợp"""),
    dict(id="LA-BTCTU", name="Ban Tổ chức Tỉnh ủy", kind="party",
         head="organisation-head", deputies=(3, 3), divisions="""
            Văn phòng
            Phòng Tổ chức đảng – đảng viên
            Phòng Tổ chức cán bộ
            Phòng Bảo vệ chính trị nội bộ
            Phòng Cơ sở đảng > Phòng Tổ chức đảng – đảng viên
            Phòng Nghiên cứu – Tổng hợp > Văn phòng"""),
    dict(id="LA-BBVSK", name="Ban Bảo vệ, chăm sóc sức khỏe cán bộ tỉnh",
         kind="party", head="board-head", deputies=(2, 2), status="merged",
         into="LA-BTCTU", effective=date(2018, 10, 1), divisions="""
            Phòng Nghiệp vụ > LA-BTCTU:Văn phòng
            Phòng Hành chính – Tổng hợp > LA-BTCTU:Văn phòng"""),
    dict(id="LA-UBKTTU", name="Ủy ban Kiểm tra Tỉnh ủy", kind="party",
         head="inspection-committee-chair", deputies=(3, 3), divisions="""
            Văn phòng
            Phòng Kiểm tra số 1
            Phòng Kiểm tra số 2
            Phòng Kiểm tra số 3
            Phòng Kiểm tra số 4 > Phòng Kiểm tra số 3"""),
    dict(id="LA-BTGTU", name="Ban Tuyên giáo Tỉnh ủy", kind="party",
         head="propaganda-head", deputies=(3, 3), divisions="""
            Văn phòng
            Phòng Tuyên truyền – Báo chí – Xuất bản
            Phòng Lý luận chính trị – Lịch sử Đảng
            Phòng Khoa giáo – Văn hóa – Văn nghệ
            Phòng Dư luận xã hội > Văn phòng
            Phòng Lịch sử Đảng > Phòng Lý luận chính trị – Lịch sử Đảng"""),
    dict(id="LA-BDVTU", name="Ban Dân vận Tỉnh ủy", kind="party",
         head="dan-van-head", deputies=(3, 2), divisions="""
            Văn phòng
            Phòng Dân vận chính quyền
            Phòng Đoàn thể nhân dân
            Phòng Dân tộc – Tôn giáo > Phòng Dân vận chính quyền"""),
    dict(id="LA-BNCTU", name="Ban Nội chính Tỉnh ủy", kind="party",
         head="board-head", deputies=(2, 2), divisions="""
            Văn phòng
            Phòng Theo dõi nội chính
            Phòng Phòng, chống tham nhũng
            Phòng Cải cách tư pháp > Phòng Theo dõi nội chính"""),
    dict(id="LA-DUK", name="Đảng ủy Khối cơ quan và doanh nghiệp tỉnh",
         kind="party", head="party-secretary", deputies=(2, 2), divisions="""
            Văn phòng
            Ban Tổ chức
            Ban Tuyên giáo
            Ủy ban Kiểm tra
            Ban Dân vận > Ban Tuyên giáo"""),
    dict(id="LA-MTTQ", name="Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Long An",
         kind="front", head="mttq-chair", deputies=(3, 3), divisions="""
            Văn phòng
            Ban Phong trào
            Ban Dân chủ – Pháp luật"""),
    dict(id="LA-VP-UBND", name="Văn phòng UBND tỉnh", kind="state",
         deputies=(3, 3), divisions="""
            Phòng Hành chính – Tổ chức
            Phòng Tổng hợp
            Phòng Kinh tế – Ngành
            Phòng Văn hóa – Xã hội
            Phòng Nội chính
            Phòng Quản trị – Tài vụ
            Phòng Kiểm soát thủ tục hành chính
            Ban Tiếp công dân
            Phòng Công nghệ thông tin > Phòng Hành chính – Tổ chức
            Phòng Nông nghiệp – Tài nguyên > Phòng Kinh tế – Ngành
            Phòng Tiếp nhận và trả kết quả > Phòng Kiểm soát thủ tục hành chính"""),
    dict(id="LA-VP-DBQH", name="Văn phòng Đoàn đại biểu Quốc hội tỉnh",
         kind="state", deputies=(1, 1), status="merged", into="LA-VP-DBQH-HDND",
         effective=date(2019, 10, 1), divisions="""
            Phòng Hành chính – Tổ chức – Quản trị > LA-VP-DBQH-HDND:Phòng Hành chính – Tổ chức – Quản trị
            Phòng Công tác Quốc hội > LA-VP-DBQH-HDND:Phòng Công tác Quốc hội"""),
    dict(id="LA-VP-HDND", name="Văn phòng HĐND tỉnh", kind="state",
         deputies=(2, 2), status="merged", into="LA-VP-DBQH-HDND",
         effective=date(2019, 10, 1), divisions="""
            Phòng Hành chính – Tổ chức – Quản trị > LA-VP-DBQH-HDND:Phòng Hành chính – Tổ chức – Quản trị
            Phòng Công tác HĐND > LA-VP-DBQH-HDND:Phòng Công tác HĐND
            Phòng Tổng hợp > LA-VP-DBQH-HDND:Phòng Công tác HĐND"""),
    dict(id="LA-VP-DBQH-HDND",
         name="Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
         kind="state", deputies=(0, 3), status="new",
         effective=date(2019, 10, 1), divisions="""
            +Phòng Hành chính – Tổ chức – Quản trị
            +Phòng Công tác Quốc hội
            +Phòng Công tác HĐND"""),
    dict(id="LA-SO-NV", name="Sở Nội vụ", kind="state", deputies=(3, 3),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Tổ chức, biên chế và tổ chức phi chính phủ
            Phòng Công chức, viên chức
            Phòng Xây dựng chính quyền và công tác thanh niên
            Phòng Cải cách hành chính > Phòng Xây dựng chính quyền và công tác thanh niên
            Phòng Công tác thanh niên > Phòng Xây dựng chính quyền và công tác thanh niên
            Chi cục Văn thư – Lưu trữ
            Ban Thi đua – Khen thưởng
            Ban Tôn giáo""",
         ps="TTLT 10-16 Trung tâm Lưu trữ lịch sử"),
    dict(id="LA-SO-TP", name="Sở Tư pháp", kind="state", deputies=(3, 2),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Xây dựng và kiểm tra văn bản quy phạm pháp luật
            Phòng Phổ biến, giáo dục pháp luật
            Phòng Hành chính tư pháp
            Phòng Bổ trợ tư pháp
            Phòng Quản lý xử lý vi phạm hành chính và theo dõi thi hành pháp luật > Phòng Xây dựng và kiểm tra văn bản quy phạm pháp luật
            Phòng Kiểm soát thủ tục hành chính > Văn phòng""",
         ps="""
            TGPL 14-22 Trung tâm Trợ giúp pháp lý nhà nước
            DGTS 8-12 Trung tâm Dịch vụ đấu giá tài sản
            CC1 8-12 Phòng Công chứng số 1
            CC2 6-10 Phòng Công chứng số 2"""),
    dict(id="LA-SO-KHDT", name="Sở Kế hoạch và Đầu tư", kind="state",
         deputies=(3, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Tổng hợp – Quy hoạch
            Phòng Kinh tế ngành
            Phòng Đăng ký kinh doanh
            Phòng Đấu thầu, thẩm định và giám sát đầu tư
            Phòng Doanh nghiệp, kinh tế tập thể và tư nhân > Phòng Đăng ký kinh doanh
            Phòng Kinh tế đối ngoại > Phòng Tổng hợp – Quy hoạch
            Phòng Khoa giáo – Văn xã > Phòng Kinh tế ngành""",
         ps="XTDT 10-16 Trung tâm Xúc tiến đầu tư và Hỗ trợ doanh nghiệp"),
    dict(id="LA-SO-TC", name="Sở Tài chính", kind="state", deputies=(3, 3),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Quản lý ngân sách
            Phòng Tài chính hành chính sự nghiệp
            Phòng Tài chính đầu tư
            Phòng Quản lý giá và công sản
            Phòng Tài chính doanh nghiệp > Phòng Tài chính đầu tư
            Phòng Tin học và thống kê > Văn phòng
            Phòng Tài chính ngân sách huyện, xã > Phòng Quản lý ngân sách
            Phòng Quản lý công sản > Phòng Quản lý giá và công sản"""),
    dict(id="LA-SO-CT", name="Sở Công Thương", kind="state", deputies=(3, 3),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Kế hoạch – Tổng hợp
            Phòng Quản lý công nghiệp
            Phòng Quản lý thương mại
            Phòng Quản lý năng lượng
            Phòng Kỹ thuật an toàn – Môi trường > Phòng Quản lý năng lượng
            Phòng Xuất nhập khẩu > Phòng Quản lý thương mại
            Chi cục Quản lý thị trường !""",
         ps="""
            KC 14-22 Trung tâm Khuyến công và Tư vấn phát triển công nghiệp
            XTTM 8-14 Trung tâm Xúc tiến thương mại > KC"""),
    dict(id="LA-SO-NNPTNT", name="Sở Nông nghiệp và Phát triển nông thôn",
         kind="state", deputies=(4, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Kế hoạch – Tài chính
            Phòng Tổ chức cán bộ > Văn phòng
            Phòng Quản lý xây dựng công trình > Chi cục Thủy lợi
            Chi cục Trồng trọt và Bảo vệ thực vật
            Chi cục Chăn nuôi và Thú y
            Chi cục Thủy sản
            Chi cục Kiểm lâm
            Chi cục Thủy lợi
            Chi cục Phát triển nông thôn
            Chi cục Quản lý chất lượng nông lâm sản và thủy sản
            Chi cục Phòng, chống thiên tai > Chi cục Thủy lợi""",
         ps="""
            KN 30-45 Trung tâm Khuyến nông
            NSH 25-40 Trung tâm Nước sạch và Vệ sinh môi trường nông thôn
            GIONG 12-20 Trung tâm Giống nông nghiệp > KN
            BQLR 15-25 Ban Quản lý rừng phòng hộ và đặc dụng"""),
    dict(id="LA-SO-GTVT", name="Sở Giao thông vận tải", kind="state",
         deputies=(3, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Kế hoạch – Tài chính
            Phòng Quản lý kết cấu hạ tầng giao thông
            Phòng Quản lý vận tải, phương tiện và người lái
            Phòng Quản lý chất lượng công trình giao thông > Phòng Quản lý kết cấu hạ tầng giao thông
            Phòng Pháp chế – An toàn giao thông > Thanh tra""",
         ps="""
            BQLDA 20-30 Ban Quản lý dự án công trình giao thông
            DK 15-22 Trung tâm Đăng kiểm phương tiện giao thông"""),
    dict(id="LA-SO-XD", name="Sở Xây dựng", kind="state", deputies=(3, 3),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Quản lý quy hoạch – kiến trúc
            Phòng Quản lý hoạt động xây dựng
            Phòng Quản lý nhà và thị trường bất động sản
            Phòng Kinh tế và vật liệu xây dựng > Phòng Quản lý hoạt động xây dựng
            Phòng Hạ tầng kỹ thuật > Phòng Quản lý quy hoạch – kiến trúc
            Phòng Phát triển đô thị > Phòng Quản lý quy hoạch – kiến trúc""",
         ps="""
            QH 12-18 Trung tâm Quy hoạch xây dựng
            KD 12-18 Trung tâm Kiểm định chất lượng xây dựng"""),
    dict(id="LA-SO-TNMT", name="Sở Tài nguyên và Môi trường", kind="state",
         deputies=(3, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Quản lý đất đai
            Phòng Đo đạc – Bản đồ > Phòng Quản lý đất đai
            Phòng Tài nguyên nước – Khoáng sản – Khí tượng thủy văn
            Phòng Biển, đảo > Phòng Tài nguyên nước – Khoáng sản – Khí tượng thủy văn
            Chi cục Bảo vệ môi trường
            Phòng Kế hoạch – Tài chính > Văn phòng""",
         ps="""
            VPDK 60-90 Văn phòng Đăng ký đất đai
            PTQD 15-25 Trung tâm Phát triển quỹ đất
            QT 12-18 Trung tâm Quan trắc môi trường
            CNTT 8-12 Trung tâm Công nghệ thông tin tài nguyên và môi trường > VPDK"""),
    dict(id="LA-SO-TTTT", name="Sở Thông tin và Truyền thông", kind="state",
         deputies=(2, 2), divisions="""
            Văn phòng
            Thanh tra
            Phòng Bưu chính – Viễn thông
            Phòng Công nghệ thông tin
            Phòng Thông tin – Báo chí – Xuất bản
            Phòng Thông tin cơ sở > Phòng Thông tin – Báo chí – Xuất bản""",
         ps="CNTT 15-22 Trung tâm Công nghệ thông tin và Truyền thông"),
    dict(id="LA-SO-LDTBXH", name="Sở Lao động – Thương binh và Xã hội",
         kind="state", deputies=(3, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Lao động – Việc làm – Giáo dục nghề nghiệp
            Phòng Người có công
            Phòng Bảo trợ xã hội – Trẻ em
            Phòng Phòng, chống tệ nạn xã hội > Phòng Bảo trợ xã hội – Trẻ em
            Phòng Giáo dục nghề nghiệp > Phòng Lao động – Việc làm – Giáo dục nghề nghiệp
            Phòng Bình đẳng giới > Phòng Bảo trợ xã hội – Trẻ em""",
         ps="""
            DVVL 25-35 Trung tâm Dịch vụ việc làm
            BTXH 30-45 Trung tâm Bảo trợ xã hội
            CN 25-35 Cơ sở Cai nghiện ma túy
            CDN 70-95 Trường Cao đẳng nghề Long An"""),
    dict(id="LA-SO-VHTTDL", name="Sở Văn hóa, Thể thao và Du lịch",
         kind="state", deputies=(3, 3), divisions="""
            Văn phòng
            Thanh tra
            Phòng Quản lý văn hóa
            Phòng Quản lý thể dục thể thao
            Phòng Quản lý du lịch
            Phòng Xây dựng nếp sống văn hóa và gia đình > Phòng Quản lý văn hóa
            Phòng Quản lý di sản văn hóa > Phòng Quản lý văn hóa
            Phòng Kế hoạch – Tài chính > Văn phòng""",
         ps="""
            BT 18-25 Bảo tàng tỉnh
            TV 18-25 Thư viện tỉnh
            TTVH 25-35 Trung tâm Văn hóa – Điện ảnh
            DNT 35-50 Đoàn Nghệ thuật Cải lương > TTVH
            PHP 10-16 Trung tâm Phát hành phim và Chiếu bóng > TTVH
            TDTT 25-40 Trung tâm Huấn luyện và Thi đấu thể dục thể thao
            XTDL 8-12 Trung tâm Thông tin và Xúc tiến du lịch"""),
    dict(id="LA-SO-KHCN", name="Sở Khoa học và Công nghệ", kind="state",
         deputies=(3, 2), divisions="""
            Văn phòng
            Thanh tra
            Phòng Quản lý khoa học
            Phòng Quản lý công nghệ > Phòng Quản lý khoa học
            Phòng Quản lý chuyên ngành > Phòng Quản lý khoa học
            Chi cục Tiêu chuẩn – Đo lường – Chất lượng
            Phòng Kế hoạch – Tài chính > Văn phòng""",
         ps="""
            UD 14-22 Trung tâm Ứng dụng tiến bộ khoa học và công nghệ
            KT 10-16 Trung tâm Kỹ thuật Tiêu chuẩn – Đo lường – Chất lượng > UD"""),
    dict(id="LA-SO-GDDT", name="Sở Giáo dục và Đào tạo", kind="state",
         deputies=(4, 4), divisions="""
            Văn phòng
            Thanh tra
            Phòng Giáo dục mầm non > Phòng Giáo dục tiểu học
            Phòng Giáo dục tiểu học
            Phòng Giáo dục trung học
            Phòng Giáo dục thường xuyên – chuyên nghiệp > Phòng Giáo dục trung học
            Phòng Khảo thí và kiểm định chất lượng giáo dục
            Phòng Tổ chức cán bộ > Văn phòng
            Phòng Kế hoạch – Tài chính
            Phòng Công nghệ thông tin > Phòng Khảo thí và kiểm định chất lượng giáo dục""",
         ps="""
            THPT-CHUYEN 80-95 Trường THPT Chuyên Long An
            GDTX 25-35 Trung tâm Giáo dục thường xuyên tỉnh"""),
    dict(id="LA-SO-YT", name="Sở Y tế", kind="state", deputies=(4, 4),
         divisions="""
            Văn phòng
            Thanh tra
            Phòng Kế hoạch – Tài chính
            Phòng Tổ chức cán bộ
            Phòng Nghiệp vụ y
            Phòng Nghiệp vụ dược
            Chi cục Dân số – Kế hoạch hóa gia đình
            Chi cục An toàn vệ sinh thực phẩm
            Phòng Quản lý hành nghề y dược tư nhân > Phòng Nghiệp vụ y
            Phòng Y tế dự phòng > Phòng Nghiệp vụ y""",
         ps="""
            BVDK 600-700 Bệnh viện Đa khoa Long An
            BVDH 250-320 Bệnh viện Đa khoa khu vực Đức Hòa
            BVCG 220-300 Bệnh viện Đa khoa khu vực Cần Giuộc
            BVDTM 200-260 Bệnh viện Đa khoa khu vực Đồng Tháp Mười
            BVP 100-130 Bệnh viện Phổi
            BVYHCT 90-120 Bệnh viện Y học cổ truyền
            YTDP 40-60 Trung tâm Y tế dự phòng > CDC
            HIV 15-22 Trung tâm Phòng, chống HIV/AIDS > CDC
            SKSS 20-30 Trung tâm Chăm sóc sức khỏe sinh sản > CDC
            GDSK 8-12 Trung tâm Truyền thông – Giáo dục sức khỏe > CDC
            BXH 12-18 Trung tâm Phòng, chống bệnh xã hội > CDC
            SR 12-18 Trung tâm Phòng, chống sốt rét – Nội tiết > CDC
            +CDC 0-0 Trung tâm Kiểm soát bệnh tật
            KN 18-25 Trung tâm Kiểm nghiệm
            GDYK 8-12 Trung tâm Giám định y khoa
            PY 8-12 Trung tâm Pháp y
            TCYT 35-50 Trường Trung cấp Y tế"""),
    dict(id="LA-TTR", name="Thanh tra tỉnh", kind="state", deputies=(3, 3),
         divisions="""
            Văn phòng
            Phòng Thanh tra kinh tế – xã hội
            Phòng Phòng, chống tham nhũng
            Phòng Giám sát, kiểm tra và xử lý sau thanh tra
            Phòng Tiếp công dân và xử lý đơn thư > Văn phòng
            Phòng Thanh tra khối nội chính > Phòng Thanh tra kinh tế – xã hội"""),
    dict(id="LA-BQLKKT", name="Ban Quản lý Khu kinh tế tỉnh", kind="state",
         deputies=(2, 2), divisions="""
            Văn phòng
            Phòng Quản lý đầu tư
            Phòng Quản lý quy hoạch và xây dựng
            Phòng Quản lý doanh nghiệp và lao động > Phòng Quản lý đầu tư
            Phòng Quản lý môi trường > Phòng Quản lý quy hoạch và xây dựng"""),
]

# Public-service units directly under the province.
PROVINCE_PS = [
    ("LA-BAO", "Báo Long An", (40, 50)),
    ("LA-DAI-PTTH", "Đài Phát thanh và Truyền hình Long An", (85, 105)),
    ("LA-TRUONG-CT", "Trường Chính trị Long An", (35, 45)),
]

DEFAULT_HEAD = {"party": "board-head", "front": "mttq-chair",
                "state": "department-head"}
DEPUTY_TITLE = {"party": "board-deputy", "front": "mttq-vice-chair",
                "state": "deputy-director"}

# The division that keeps a fourth deputy; a waiver covers it once
# max-deputies-division applies.
FOUR_DEPUTY_DIVISION = ("LA-SO-YT", "Phòng Nghiệp vụ y")
# Divisions whose staff or note is not the usual one.
DIVISION_SPECIAL = {
    ("LA-SO-CT", "Chi cục Quản lý thị trường"): dict(
        staff=72, effective=date(2018, 10, 1),
        note="Chuyển về Tổng cục Quản lý thị trường (Bộ Công Thương) "
                       "từ năm 2018"),
}

# ----------------------------------------------------------- the districts

# (statistics code, id, name, communes of 2018: thị trấn, phường, xã)
DISTRICTS = [
    ("794", "LA-TAN-AN", "Thành phố Tân An", (0, 9, 5)),
    ("795", "LA-KIEN-TUONG", "Thị xã Kiến Tường", (0, 3, 5)),
    ("796", "LA-TAN-HUNG", "Huyện Tân Hưng", (1, 0, 11)),
    ("797", "LA-VINH-HUNG", "Huyện Vĩnh Hưng", (1, 0, 9)),
    ("798", "LA-MOC-HOA", "Huyện Mộc Hóa", (0, 0, 7)),
    ("799", "LA-TAN-THANH", "Huyện Tân Thạnh", (1, 0, 12)),
    ("800", "LA-THANH-HOA", "Huyện Thạnh Hóa", (1, 0, 10)),
    ("801", "LA-DUC-HUE", "Huyện Đức Huệ", (1, 0, 10)),
    ("802", "LA-DUC-HOA", "Huyện Đức Hòa", (3, 0, 17)),
    ("803", "LA-BEN-LUC", "Huyện Bến Lức", (1, 0, 14)),
    ("804", "LA-THU-THUA", "Huyện Thủ Thừa", (1, 0, 12)),
    ("805", "LA-TAN-TRU", "Huyện Tân Trụ", (1, 0, 10)),
    ("806", "LA-CAN-DUOC", "Huyện Cần Đước", (1, 0, 16)),
    ("807", "LA-CAN-GIUOC", "Huyện Cần Giuộc", (1, 0, 16)),
    ("808", "LA-CHAU-THANH", "Huyện Châu Thành", (1, 0, 12)),
]

# Late 2019: four communes fewer and one new town. Communes are named by
# their place among the district's xã of 2018, counting from 0.
COMMUNE_MERGE_DATE = date(2020, 1, 1)
NEW_COMMUNES = {        # two xã merge into a new xã, listed after them
    "LA-THU-THUA": (10, 11),
    "LA-TAN-TRU": (0, 1),
}
MERGED_INTO_TOWN = {    # xã absorbed by the district's (first) thị trấn
    "LA-CAN-GIUOC": (3, 8),
}
BECOMES_TOWN = {"LA-MOC-HOA": 4}    # a xã made a thị trấn, keeping its name
COMMUNE_TYPES = (("Thị trấn ", "thi-tran", "TT"), ("Phường ", "phuong", "PH"),
                 ("Xã ", "xa", "X"))

# Commune names are generated: a first syllable common in the place names
# of the Mekong delta (NAME_HEADS) and a second one from NAME_TAILS, which
# holds syllables that no commune of Long An ends with, so that no generated
# name is that of a commune of the province (checked against the 2018 list,
# which this file does not keep). Each district draws its own order of the
# pairs (a hash of the district id) and takes the first ones no other
# commune of the plan bears. Every syllable has its own ASCII spelling, so
# ids derived from names are unique too.
NAME_HEADS = ("An Bình Hòa Long Mỹ Phước Tân Thạnh Lợi Hưng Nhơn Phú Thuận "
              "Lộc Vĩnh Khánh").split()
NAME_TAILS = ("Thới Hội Thịnh Phát Thắng Tiến Thái Quang Thiện Cường Thạch "
              "Thông Đạt Bảo Nguyên Hải").split()

# The ten divisions every district has (Decree 37/2014) ...
DISTRICT_DIVISIONS = [
    ("P-NV", "Phòng Nội vụ", "home-affairs-head"),
    ("P-TP", "Phòng Tư pháp", None),
    ("P-TCKH", "Phòng Tài chính – Kế hoạch", None),
    ("P-TNMT", "Phòng Tài nguyên và Môi trường", None),
    ("P-LDTBXH", "Phòng Lao động – Thương binh và Xã hội", None),
    ("P-VHTT", "Phòng Văn hóa và Thông tin", None),
    ("P-GDDT", "Phòng Giáo dục và Đào tạo", None),
    ("P-YT", "Phòng Y tế", None),
    ("TTR", "Thanh tra {lower}", "chief-inspector"),
    ("VP", "Văn phòng HĐND và UBND {lower}", None),
]
# ... plus two by type.
URBAN_DIVISIONS = [("P-KT", "Phòng Kinh tế"), ("P-QLDT", "Phòng Quản lý đô thị")]
RURAL_DIVISIONS = [("P-NNPTNT", "Phòng Nông nghiệp và Phát triển nông thôn"),
                   ("P-KTHT", "Phòng Kinh tế và Hạ tầng")]
# Cần Giuộc keeps an urban-management division beyond the twelve.
EXTRA_KEPT_DIVISION = {"LA-CAN-GIUOC": ("P-QLDT", "Phòng Quản lý đô thị")}

# Party committee boards and the Front (division level).
DISTRICT_BOARDS = [
    ("VPHU", "Văn phòng {committee}", "party", "party-office-chief"),
    ("BTC", "Ban Tổ chức {committee}", "party", "organisation-head"),
    ("UBKT", "Ủy ban Kiểm tra {committee}", "party", "inspection-committee-chair"),
    ("BTG", "Ban Tuyên giáo {committee}", "party", "propaganda-head"),
    ("BDV", "Ban Dân vận {committee}", "party", "dan-van-head"),
    ("MTTQ", "Ủy ban MTTQ Việt Nam {lower}", "front", "mttq-chair"),
]

# District public-service centres: (code, name, staff range, merged into).
DISTRICT_PS = [
    ("TTCT", "Trung tâm Chính trị {lower}", (6, 10), None),
    ("TTVH", "Trung tâm Văn hóa, Thể thao và Truyền thanh {lower}", (12, 20), None),
    ("DTT", "Đài Truyền thanh {lower}", (8, 12), "TTVH"),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng {lower}", (12, 20), None),
    ("TTPTQD", "Trung tâm Phát triển quỹ đất {lower}", (10, 16), None),
    ("BBT", "Ban Bồi thường, giải phóng mặt bằng {lower}", (6, 10), "TTPTQD"),
    ("GDNN", "Trung tâm Giáo dục nghề nghiệp – Giáo dục thường xuyên {lower}",
     (14, 22), None),
    ("TTDN", "Trung tâm Dạy nghề {lower}", (6, 10), "GDNN"),
]

# Districts with a separate district hospital, merged into the district
# health centre (the others have a provincial or regional hospital).
DISTRICT_HOSPITALS = ["LA-TAN-HUNG", "LA-VINH-HUNG", "LA-TAN-THANH",
                      "LA-THANH-HOA", "LA-DUC-HUE", "LA-BEN-LUC", "LA-THU-THUA",
                      "LA-TAN-TRU", "LA-CAN-DUOC", "LA-CHAU-THANH"]
# Upper-secondary schools per district (the first carries the district's name).
THPT_PER_DISTRICT = {"LA-TAN-AN": 4, "LA-DUC-HOA": 4, "LA-BEN-LUC": 3,
                     "LA-CAN-GIUOC": 3, "LA-CAN-DUOC": 3}

# Progress.
DAN_VAN_DONE = {                 # district: date the two titles were merged
    "LA-TAN-AN": date(2018, 9, 14), "LA-KIEN-TUONG": date(2019, 3, 20),
    "LA-THANH-HOA": date(2019, 6, 28), "LA-BEN-LUC": date(2018, 12, 5),
    "LA-THU-THUA": date(2019, 8, 16), "LA-TAN-TRU": date(2019, 10, 2),
    "LA-CAN-DUOC": date(2019, 11, 25),
}
DAN_VAN_PERCENT = {              # lagging districts; absent = no entry
    "LA-TAN-HUNG": 50, "LA-MOC-HOA": 80, "LA-TAN-THANH": 30,
    "LA-DUC-HOA": 60, "LA-CAN-GIUOC": 20, "LA-CHAU-THANH": 40,
}
TUYEN_GIAO_LATE = {"LA-DUC-HOA": date(2020, 5, 15)}
DVSN_DONE = {"LA-TAN-AN": date(2020, 3, 31), "LA-KIEN-TUONG": date(2020, 5, 20)}
DVSN_BEHIND = {"LA-TAN-THANH": 35, "LA-CHAU-THANH": 40}
# Merged-title holders who are not on the standing committee.
NOT_STANDING = {("propaganda", "LA-MOC-HOA"), ("dan-van", "LA-TAN-TRU")}
SECRETARY_CHAIR_COMMUNES = 23
LIEN_CAP_FROM = ("LA-TAN-HUNG", "LA-VINH-HUNG", "LA-MOC-HOA", "LA-TAN-THANH",
                 "LA-THANH-HOA", "LA-DUC-HUE", "LA-THU-THUA", "LA-TAN-TRU",
                 "LA-CHAU-THANH", "LA-CAN-DUOC")

TASKS = [
    dict(id="merge-tuyen-giao-ttct",
         name="Nhất thể hóa Trưởng Ban Tuyên giáo cấp ủy đồng thời là Giám đốc "
              "Trung tâm Chính trị cấp huyện",
         applies_to={"level": "district"}, start=date(2019, 11, 8),
         due=date(2020, 3, 31)),
    dict(id="merge-dan-van-mttq",
         name="Nhất thể hóa Trưởng Ban Dân vận cấp ủy đồng thời là Chủ tịch Ủy ban "
              "MTTQ Việt Nam cấp huyện",
         applies_to={"level": "district"}, start=date(2018, 3, 1),
         due=date(2019, 12, 31)),
    dict(id="sap-xep-xa", name="Sắp xếp đơn vị hành chính cấp xã",
         applies_to={"level": "district", "tags": ["sap-xep-xa"]},
         start=date(2019, 3, 1), due=date(2020, 1, 31)),
    dict(id="sap-xep-dvsn",
         name="Sắp xếp đơn vị sự nghiệp công lập thuộc UBND cấp huyện",
         applies_to={"level": "district"}, start=date(2018, 6, 1),
         due=date(2021, 6, 30)),
]

WAIVERS = [
    dict(rule="max-deputy-directors", target="LA-SO-GDDT",
         reason="Giữ 4 Phó Giám đốc đến khi sắp xếp lại theo quy định mới về "
                "số lượng cấp phó; không bổ nhiệm thêm",
         approved_by="Chủ tịch UBND tỉnh Long An", expires=date(2020, 11, 24)),
    dict(rule="max-deputy-directors", target="LA-SO-NNPTNT",
         reason="Giữ 4 Phó Giám đốc đến khi một Phó Giám đốc nghỉ hưu",
         approved_by="Chủ tịch UBND tỉnh Long An", expires=date(2020, 12, 31)),
    dict(rule="commune-cadres-cap", target="town:LA-CAN-GIUOC",
         reason="{town} nhận thêm cán bộ, công chức của {absorbed}; số dôi dư "
                "được giải quyết dần trong 5 năm sau sắp xếp đơn vị hành chính",
         approved_by="UBND tỉnh Long An", expires=date(2024, 12, 31)),
    dict(rule="dan-van-mttq-deadline", target="LA-DUC-HOA",
         reason="Lùi thời hạn nhất thể hóa đến hết quý I/2020 để chuẩn bị nhân sự",
         approved_by="Ban Thường vụ Tỉnh ủy Long An", expires=date(2020, 3, 31)),
    dict(rule="max-deputies-division", target="four-deputy-division",
         reason="Phòng nhận thêm hai phòng sáp nhập; giữ 4 phó trưởng phòng đến "
                "hết tháng 6/2021",
         approved_by="Giám đốc Sở Nội vụ", expires=date(2021, 6, 30)),
]


# -------------------------------------------------------- building units

def parse_lines(text):
    return [nfc(line.strip()) for line in text.strip().splitlines() if line.strip()]


def division_code(name, counters):
    if name == "Văn phòng":
        return "VP"
    if name == "Thanh tra":
        return "TTR"
    prefix = "CC" if name.startswith("Chi cục") else "P"
    counters[prefix] += 1
    return "%s%d" % (prefix, counters[prefix])


def deputy_cap(staff):
    """Deputies a division of this size keeps: 1 below 8 staff, 2 up to
    14, 3 from 15 (the steps of Decree 107/2020 for a grade II province)."""
    return 1 if staff < 8 else (2 if staff < 15 else 3)


def division_deputies(uid, staff):
    """(deputies at start, deputies after): some divisions had one more
    deputy than their size allows before the plan."""
    cap = deputy_cap(staff)
    return min(3, cap + (pick(0, 9, "dep", uid) == 0)), cap


def division_staff(uid, name, kind):
    if name.startswith("Chi cục"):
        return pick(18, 40, "staff", uid)
    if name.startswith("Văn phòng"):
        return pick(12, 18, "staff", uid)
    if kind == "party" or kind == "front":
        return pick(6, 10, "staff", uid)
    return pick(7, 13, "staff", uid)


def ps_deputies(uid, staff):
    if staff >= 150:
        return 3
    if staff >= 60:
        return 2
    if staff >= 25:
        return pick(1, 2, "psdep", uid)
    return 1


def make_ps(uid, name, staff_range, status="active", into=None,
            effective=None, head="ps-director"):
    u = Unit(uid, name, "public-service", "public-service", status, into,
             effective)
    b = pick(staff_range[0], staff_range[1], "staff", uid)
    u.staff_range = staff_range
    u.staff = {"baseline": b} if status != "new" else {}
    u.pos(head, 1)
    if status == "new":
        u.pos("ps-deputy", 3)
    else:
        d = ps_deputies(uid, b)
        u.pos("ps-deputy", d)
    return u


pending_merges = []          # (unit, "UNIT-ID:Name" or "Name", department id)


def build_department(la, spec):
    kind = spec["kind"]
    status = spec.get("status", "active")
    d = Unit(spec["id"], spec["name"], "department", kind, status,
             spec.get("into"), spec.get("effective"))
    la.add(d)
    head = spec.get("head", DEFAULT_HEAD[kind])
    dep_b, dep_s = spec["deputies"]
    d.pos(head, 1)
    d.pos(DEPUTY_TITLE[kind], dep_s if status != "merged" else dep_b,
          dep_b if status == "active" else None)
    # Leadership headcount (head and deputies) is the department's own staff.
    d.fixed_staff = True
    if status == "new":
        d.staff = {"quota": 1 + dep_s, "actual": 1 + dep_s}
    elif status == "merged":
        d.staff = {"baseline": 1 + dep_b}
    else:
        d.staff = {"baseline": 1 + dep_b, "quota": 1 + dep_s,
                   "actual": 1 + dep_s}
    counters = defaultdict(int)
    first = True
    for line in parse_lines(spec["divisions"]):
        st, target = ("active", None)
        if line.startswith("+"):
            st, line = "new", line[1:].strip()
        elif line.endswith(" !"):
            st, line = "dissolved", line[:-2].strip()
        elif " > " in line:
            line, target = [s.strip() for s in line.split(" > ", 1)]
            st = "merged"
        if status == "merged" and st != "merged":
            raise SystemExit("division of merged %s must merge" % d.id)
        code = division_code(line, counters)
        uid = "%s-%s" % (d.id, code)
        special = DIVISION_SPECIAL.get((d.id, line), {})
        eff = None
        if st != "active":
            eff = (special.get("effective") or spec.get("effective")
                   or day(date(2018, 7, 1), pick(0, 540, "eff", uid)))
        div = Unit(uid, line, "division", kind, st, effective=eff)
        d.add(div, comment="Phòng và tương đương" if first else None)
        first = False
        if target:
            pending_merges.append((div, target, d.id))
        if "note" in special:
            div.x["note"] = special["note"]
        b = special.get("staff") or division_staff(uid, line, kind)
        div.staff = {} if st == "new" else {"baseline": b}
        div.pos("division-head", 1)
        start, after = division_deputies(uid, b)
        if st == "new":
            start = after = 1
        elif st != "active":
            after = start
        p = div.pos("division-deputy", after, start)
        if (d.id, line) == FOUR_DEPUTY_DIVISION:
            p.slots = p.baseline = 4
            p.locked = True
    first = True
    for line in parse_lines(spec.get("ps", "")):
        new = line.startswith("+")
        if new:
            line = line[1:]
        code, rng, rest = line.split(" ", 2)
        lo, hi = (int(x) for x in rng.split("-"))
        into = None
        if " > " in rest:
            rest, into = [s.strip() for s in rest.split(" > ", 1)]
        uid = "%s-%s" % (d.id, code)
        st = "new" if new else ("merged" if into else "active")
        eff = day(date(2018, 7, 1), pick(0, 400, "eff", uid)) if st != "active" else None
        ps = make_ps(uid, rest, (lo, hi), st,
                     "%s-%s" % (d.id, into) if into else None, eff)
        d.add(ps, comment="Đơn vị sự nghiệp công lập trực thuộc" if first else None)
        first = False
    return d


def resolve_pending_merges():
    for div, target, dept_id in pending_merges:
        if ":" in target:
            dept_id, target = target.split(":", 1)
        dept = REGISTRY[dept_id]
        matches = [c for c in dept.children
                   if c.level == "division" and c.name == nfc(target)]
        if len(matches) != 1:
            raise SystemExit("cannot resolve merge target %r in %s" % (target, dept_id))
        div.into = matches[0].id


# ------------------------------------------------------------- districts

def district_words(name):
    """('thành phố Tân An', 'Thành ủy Tân An', is_urban, 'Tân An')."""
    for prefix, committee in (("Thành phố ", "Thành ủy "), ("Thị xã ", "Thị ủy "),
                              ("Huyện ", "Huyện ủy ")):
        if name.startswith(prefix):
            short = name[len(prefix):]
            return (prefix.lower() + short, committee + short,
                    prefix != "Huyện ", short)
    raise SystemExit("unknown district type " + name)


def lower_first(s):
    return s[:1].lower() + s[1:]


def commune_parts(name):
    for prefix, ctype, abbrev in COMMUNE_TYPES:
        if name.startswith(prefix):
            return ctype, abbrev, name[len(prefix):]
    raise SystemExit("unknown commune type " + name)


def commune_class(did, ctype):
    """The class of a ward or town; xã get theirs from assign_xa_classes()."""
    if ctype == "phuong":
        return "I" if did == "LA-TAN-AN" else "II"
    return "I" if did in ("LA-DUC-HOA", "LA-BEN-LUC", "LA-CAN-GIUOC",
                          "LA-CAN-DUOC") else "II"


CADRES_CAP = {"I": 23, "II": 21, "III": 19}          # Decree 34/2019
PART_TIME_CAP = {"I": 14, "II": 12, "III": 10}
OLD_CADRES = {"I": (23, 25), "II": (21, 23), "III": (19, 21)}   # Decree 92/2009
OLD_PART_TIME = {"I": (19, 22), "II": (17, 20), "III": (15, 19)}


def school_place(cname):
    """'Xã An Phú' -> 'An Phú'; wards and towns keep their type."""
    ctype, _, short = commune_parts(cname)
    return short if ctype == "xa" else cname


def commune_names(did, taken, excluded):
    """The names district `did` may give, in its own order: pairs of
    syllables whose slug no other commune has (`taken`) and that are not
    like a district's name (`excluded`, slugs too)."""
    pairs = [(a, b) for a in NAME_HEADS for b in NAME_TAILS]
    pairs.sort(key=lambda p: h("name", did, *p))
    for a, b in pairs:
        name = nfc("%s %s" % (a, b))
        if slug(name) not in taken and slug(name) not in excluded:
            yield name


def plan_communes():
    """{district id: [commune]} for every district, in the order the plan
    lists them: thị trấn, phường, then xã, each new xã after the two that
    form it. A commune is a dict: uid, name, short (the name without its
    type), ctype, status, into, note, and cls for a xã of 2018."""
    taken = set()
    excluded = {slug(district_words(name)[3]) for _, _, name, _ in DISTRICTS}
    out = {}
    for _, did, _, (towns, wards, xas) in DISTRICTS:
        names = commune_names(did, taken, excluded)

        def commune(ctype, short, status="active"):
            prefix, abbrev = [(p, a) for p, t, a in COMMUNE_TYPES if t == ctype][0]
            taken.add(slug(short))
            uid = "%s-%s-%s" % (did, abbrev, slug(short))
            if any(uid == c["uid"] for c in clist):
                raise SystemExit("duplicate commune id " + uid)
            return dict(uid=uid, name=nfc(prefix + short), short=short,
                        ctype=ctype, status=status, into=None, note=None)

        clist = []
        for ctype, count in (("thi-tran", towns), ("phuong", wards)):
            for _ in range(count):
                clist.append(commune(ctype, next(names)))
        xa = []
        for i in range(xas):
            town = BECOMES_TOWN.get(did) == i
            c = commune("thi-tran" if town else "xa", next(names))
            if town:
                c["note"] = ("Thành lập thị trấn trên cơ sở xã %s (2019)"
                             % c["short"])
            xa.append(c)
            clist.append(c)
        if did in MERGED_INTO_TOWN:
            town = clist[0]
            absorbed = [xa[i] for i in MERGED_INTO_TOWN[did]]
            for c in absorbed:
                c["status"], c["into"] = "merged", town["uid"]
            town["note"] = "Nhận toàn bộ %s" % " và ".join(
                lower_first(c["name"]) for c in absorbed)
        if did in NEW_COMMUNES:
            formers = [xa[i] for i in NEW_COMMUNES[did]]
            # Named, as new communes often are, after a syllable of each.
            (a1, b1), (a2, b2) = (c["short"].split() for c in formers)
            short = next(n for n in ["%s %s" % (a1, b2), "%s %s" % (a2, b1)]
                         + list(names)
                         if slug(n) not in taken and slug(n) not in excluded)
            new = commune("xa", short, "new")
            new["note"] = "Thành lập trên cơ sở sáp nhập %s" % " và ".join(
                lower_first(c["name"]) for c in formers)
            for c in formers:
                c["status"], c["into"] = "merged", new["uid"]
            clist.insert(clist.index(formers[-1]) + 1, new)
        out[did] = clist
    assign_xa_classes(out)
    return out


def assign_xa_classes(plan):
    """Classes of the xã of 2018, in the numbers of TOTALS: those that stay
    and those that merge are ranked apart by a hash of their id."""
    for merging, col in ((False, 0), (True, 1)):
        group = [c for clist in plan.values() for c in clist
                 if c["ctype"] == "xa" and c["status"] != "new"
                 and (c["status"] == "merged") == merging]
        want = [(cls, n[col]) for cls, n in TOTALS["xa_classes"].items()]
        if sum(n for _, n in want) != len(group):
            raise SystemExit("xã classes: %d xã, TOTALS has %d"
                             % (len(group), sum(n for _, n in want)))
        group.sort(key=lambda c: h("class", c["uid"]))
        for cls, n in want:
            for c in group[:n]:
                c["cls"] = cls
            group = group[n:]


def build_district(la, code, did, name, communes, lien_cap):
    lower, committee, urban, _ = district_words(name)
    d = Unit(did, name, "district")
    d.flat = True
    d.parent = la
    REGISTRY.register(d)
    d.x["stats-code"] = int(code)
    d.comment = "%s (mã thống kê %s)" % (name, code)
    group = name
    d.pos("party-secretary", holders=[PEOPLE.new((did, "secretary"), group)])
    d.pos("pc-chair", holders=[PEOPLE.new((did, "chair"), group)])
    d.pos("pc-vice-chair", 3)

    # Divisions under Decree 37/2014, and what merged into them.
    divisions = DISTRICT_DIVISIONS + [(c, n, None) for c, n in
                                      (URBAN_DIVISIONS if urban else RURAL_DIVISIONS)]
    if did in EXTRA_KEPT_DIVISION:
        c, n = EXTRA_KEPT_DIVISION[did]
        divisions = divisions + [(c, n, None)]
    first = True
    for dcode, dname, head in divisions:
        uid = "%s-%s" % (did, dcode)
        div = d.add(Unit(uid, dname.format(lower=lower), "division", "state"),
                    comment=("Phòng chuyên môn thuộc UBND (Nghị định 37/2014/NĐ-CP "
                             "và các phòng sáp nhập vào)") if first else None)
        first = False
        div.staff = {"baseline": pick(12, 16, "staff", uid) if dcode == "VP"
                     else pick(6, 11, "staff", uid)}
        div.pos(head or "division-head", 1)
        start, after = division_deputies(uid, div.staff["baseline"])
        div.pos("division-deputy", after, start)
    extras = [("BTCD", "Ban Tiếp công dân {lower}", "VP")]
    if urban:
        extras.append(("DQLTTDT", "Đội Quản lý trật tự đô thị {lower}", "P-QLDT"))
    else:
        extras.append(("VPDP-NTM", "Văn phòng Điều phối Chương trình nông thôn "
                                   "mới {lower}", "P-NNPTNT"))
    for dcode, dname, into in extras:
        uid = "%s-%s" % (did, dcode)
        div = d.add(Unit(uid, dname.format(lower=lower), "division", "state",
                         "merged", "%s-%s" % (did, into),
                         day(date(2018, 10, 1), pick(0, 365, "eff", uid))))
        div.pos("division-head", 1)
        div.pos("division-deputy", 1)
        div.staff = {"baseline": pick(4, 7, "staff", uid)}

    # Party boards and the Front.
    first = True
    boards = {}
    for bcode, bname, kind, head in DISTRICT_BOARDS:
        uid = "%s-%s" % (did, bcode)
        b = d.add(Unit(uid, bname.format(committee=committee, lower=lower),
                       "division", kind),
                  comment=("Cơ quan tham mưu của %s và Ủy ban MTTQ" % committee)
                  if first else None)
        first = False
        boards[bcode] = b
        b.staff = {"baseline": pick(5, 9, "staff", uid) if kind == "party"
                   else pick(5, 7, "staff", uid)}
        b.pos(head, 1)   # holders filled in below
        b.pos("board-deputy" if kind == "party" else "mttq-vice-chair",
              pick(1, 2, "dep", uid))
    for bcode in ("VPHU", "BTC", "UBKT"):
        boards[bcode].positions[0].holders = [PEOPLE.new((did, bcode), group)]

    # Public-service centres.
    first = True
    centres = {}
    for pcode, pname, rng, into in DISTRICT_PS:
        uid = "%s-%s" % (did, pcode)
        st = "merged" if into else "active"
        eff = (day(date(2018, 9, 1), pick(0, 450, "eff", uid)) if into else None)
        u = make_ps(uid, pname.format(lower=lower), rng, st,
                    "%s-%s" % (did, into) if into else None, eff,
                    head="political-school-director" if pcode == "TTCT"
                    else "ps-director")
        d.add(u, comment="Đơn vị sự nghiệp công lập thuộc UBND và %s" % committee
              if first else None)
        first = False
        centres[pcode] = u

    # Merged titles at district level.
    x = PEOPLE.new((did, "propaganda"), group, merged=True,
                   standing_committee=("propaganda", did) not in NOT_STANDING)
    boards["BTG"].positions[0].holders = [x]
    centres["TTCT"].positions[0].holders = [x]
    y = PEOPLE.new((did, "dan-van"), group, merged=did in DAN_VAN_DONE,
                   standing_committee=("dan-van", did) not in NOT_STANDING)
    boards["BDV"].positions[0].holders = [y]
    if did in DAN_VAN_DONE:
        boards["MTTQ"].positions[0].holders = [y]
    else:
        boards["MTTQ"].positions[0].holders = [PEOPLE.new((did, "mttq"), group)]

    # Communes.
    first = True
    for spec in communes:
        c = make_commune(d, spec, comment="Xã, phường, thị trấn" if first else None)
        first = False
        if spec["note"]:
            c.x["note"] = spec["note"]

    # Schools: kindergarten, primary and lower-secondary per commune of 2018.
    first = True
    for spec in communes:
        if spec["status"] == "new":
            continue
        c = REGISTRY[spec["uid"]]
        cpart = c.id[len(did) + 1:]
        place = school_place(c.name)
        # Schools of a merged commune merge into the schools of the commune
        # that keeps its schools: the one it merged into, or for a new
        # commune the first of the communes that formed it.
        keeper = None
        if c.status == "merged":
            target = REGISTRY[c.into]
            if target.status == "new":
                formers = [x for x in d.children
                           if x.level == "commune" and x.into == target.id]
                if formers[0] is not c:
                    keeper = formers[0]
            else:
                keeper = target
        lien = c.id in lien_cap
        for scode, sname, rng in (("MN", "Trường Mầm non", (15, 30)),
                                  ("TH", "Trường Tiểu học", (25, 50)),
                                  ("THCS", "Trường THCS", (28, 55))):
            uid = "%s-%s-%s" % (did, scode, cpart)
            st, into, eff = "active", None, None
            if keeper is not None:
                st = "merged"
                into = "%s-%s-%s" % (did, scode, keeper.id[len(did) + 1:])
                eff = COMMUNE_MERGE_DATE
            elif lien and scode == "THCS":
                st = "merged"
                into = "%s-TH-%s" % (did, cpart)
                eff = day(date(2018, 8, 1), pick(0, 365, "eff", uid))
            display = sname
            if lien and scode == "TH":
                display = "Trường Tiểu học và Trung học cơ sở"
            u = make_ps(uid, "%s %s" % (display, place), rng, st, into, eff)
            u.school = True
            d.add(u, comment="Trường mầm non, tiểu học, THCS do UBND %s quản lý"
                  % lower if first else None)
            first = False
    return d


def make_commune(d, spec, comment=None):
    status = spec["status"]
    eff = COMMUNE_MERGE_DATE if status in ("merged", "new") else None
    uid, ctype = spec["uid"], spec["ctype"]
    c = d.add(Unit(uid, spec["name"], "commune", "commune", status,
                   spec["into"], eff), comment=comment)
    if status == "new":
        cls = None
    elif ctype == "xa":
        cls = spec["cls"]
    else:
        cls = commune_class(d.id, ctype)
    c.cls, c.ctype = cls, ctype
    if ctype == "xa":
        c.attrs = Raw("*xa") if cls is None else Raw("{ <<: *xa, class: %s }" % cls)
    else:
        c.attrs = {"type": ctype, "class": cls}
    if status == "new":
        c.staff = {}
        c.pos("party-secretary", 1)
        c.pos("pc-chair", 1)
        c.pos("pc-vice-chair", 2)
        c.pos("commune-part-time", 14)
        return c
    lo, hi = OLD_CADRES[cls]
    c.staff = {"baseline": pick(lo, hi, "staff", uid)}
    c.pos("party-secretary", 1)
    c.pos("pc-chair", 1)
    vice_b = 2 if cls in ("I", "II") else 1
    vice_s = 2 if cls == "I" else 1
    c.pos("pc-vice-chair", vice_s if status == "active" else vice_b, vice_b)
    lo, hi = OLD_PART_TIME[cls]
    pt_b = pick(lo, hi, "pt", uid)
    c.pos("commune-part-time",
          pick(PART_TIME_CAP[cls] - 2, PART_TIME_CAP[cls], "pt-after", uid)
          if status == "active" else pt_b, pt_b)
    return c


def province_schools(la):
    gd = REGISTRY["LA-SO-GDDT"]
    yt = REGISTRY["LA-SO-YT"]
    first = True
    for _, did, name, _ in DISTRICTS:
        d = REGISTRY[did]
        _, _, _, short = district_words(name)
        count = THPT_PER_DISTRICT.get(did, 2)
        places = [short]
        candidates = sorted(
            (c for c in d.children if c.level == "commune" and c.after
             and c.ctype in ("xa", "thi-tran")),
            key=lambda c: h("thpt", c.id))
        for c in candidates:
            p = commune_parts(c.name)[2]
            if p not in places:
                places.append(p)
            if len(places) == count:
                break
        for p in places:
            uid = "LA-SO-GDDT-THPT-%s" % slug(p)
            if uid in REGISTRY.units:
                uid = "%s-%s" % (uid, did[3:])
            school = gd.add(make_ps(uid, "Trường THPT %s" % p, (55, 100)),
                            comment="Trường trung học phổ thông" if first else None)
            school.school = True
            first = False
    first = True
    for _, did, name, _ in DISTRICTS:
        lower = district_words(name)[0]
        uid = "LA-SO-YT-TTYT-%s" % did[3:]
        yt.add(make_ps(uid, "Trung tâm Y tế %s" % lower, (120, 220)),
               comment="Trung tâm Y tế cấp huyện (trực thuộc Sở Y tế)"
               if first else None)
        first = False
        if did in DISTRICT_HOSPITALS:
            huid = "LA-SO-YT-BV-%s" % did[3:]
            yt.add(make_ps(huid, "Bệnh viện Đa khoa %s" % lower, (70, 130),
                           "merged", uid,
                           day(date(2018, 6, 1), pick(0, 300, "eff", huid))))


def pick_lien_cap(plan, needed):
    """Communes whose lower-secondary school merges into the primary one:
    xã of the LIEN_CAP_FROM districts untouched by the changes of 2019."""
    candidates = [c["uid"] for did in LIEN_CAP_FROM for c in plan[did]
                  if c["ctype"] == "xa" and c["status"] == "active"]
    candidates.sort(key=lambda uid: h("lien", uid))
    return set(candidates[:needed])


# ------------------------------------------------------------- settling

def after_units(units):
    return [u for u in units if u.after]


def settle_staff(kind, reduction):
    """Set quota (and actual) so that baseline − quota over `kind` is exact.

    A unit that stays keeps its own baseline plus the baselines of the units
    merged into it; the cut still needed is then shared out in proportion to
    size (largest remainder), never leaving a unit below 3."""
    units = [u for u in REGISTRY.all() if u.kind == kind and u.staff is not None]
    start = [u for u in units if u.at_start]
    absorbed = defaultdict(int)
    for u in start:
        if u.status == "merged":
            absorbed[u.into] += u.staff["baseline"]
    B = sum(u.staff["baseline"] for u in start)
    fixed = [u for u in units if u.after and u.fixed_staff]
    flex = [u for u in units if u.after and not u.fixed_staff]
    base_q = {u.id: (u.staff.get("baseline", 0) if u.status == "active" else 0)
              + absorbed[u.id] for u in flex}
    q_fixed = sum(u.staff["quota"] for u in fixed)
    cut = sum(base_q.values()) - (B - reduction - q_fixed)
    if cut < 0:
        raise SystemExit("%s: natural reduction exceeds %d" % (kind, reduction))
    cuts = share(cut, {k: max(v - 3, 0) for k, v in base_q.items()}, "cut-" + kind)
    for u in flex:
        q = base_q[u.id] - cuts[u.id]
        u.staff["quota"] = q
        if absorbed[u.id]:
            u.staff["actual"] = q + pick(1, 3, "surplus", u.id)
        else:
            u.staff["actual"] = q - pick(0, 2, "vacant", u.id) if q > 3 else q


def share(total, weights, key):
    """Split `total` in proportion to weights, largest remainder, capped."""
    W = sum(weights.values())
    if total > W:
        raise SystemExit("cannot cut %d from %d" % (total, W))
    out, rema = {}, []
    for k, w in weights.items():
        exact = total * w
        out[k] = exact // W
        rema.append((-(exact % W), h(key, k), k))
    left = total - sum(out.values())
    for _, _, k in sorted(rema)[:left]:
        out[k] += 1
    return out


def nudge(values, bounds, target, key):
    """Move the numbers of `values` (a dict) by one at a time, each within
    its (lo, hi) in `bounds`, in an order hashed from `key`, until they sum
    to `target`. Returns `values`."""
    diff = target - sum(values.values())
    step = 1 if diff > 0 else -1
    order = sorted(values, key=lambda k: h(key, k))
    while diff:
        moved = False
        for k in order:
            lo, hi = bounds[k]
            if diff and lo <= values[k] + step <= hi:
                values[k] += step
                diff -= step
                moved = True
        if not moved:
            raise SystemExit("%s: cannot reach %d (%+d left)" % (key, target, diff))
    return values


def settle_commune_baselines():
    """Commune staff at start, each within the range of its class, to the
    total of TOTALS."""
    units = [u for u in REGISTRY.all() if u.level == "commune" and u.at_start]
    base = nudge({u.id: u.staff["baseline"] for u in units},
                 {u.id: OLD_CADRES[u.cls] for u in units},
                 TOTALS["commune_staff"][0], "commune-baseline")
    for u in units:
        u.staff["baseline"] = base[u.id]


def settle_communes():
    """Cadres quota: within the Decree 34/2019 cap, except where communes
    merged (the surplus is kept for a while, see the waiver). Quotas and
    actuals are then settled to the totals of TOTALS."""
    units = [u for u in REGISTRY.all()
             if u.level == "commune" and u.status != "merged"]
    absorbing = {u.into for u in REGISTRY.all()
                 if u.level == "commune" and u.status == "merged"}
    quota, qrange = {}, {}
    for u in units:
        if u.id in absorbing:
            # Part of the merged communes' cadres moved elsewhere; the rest
            # stay above the cap until they retire or move (a surplus the
            # province allows for five years).
            cap = CADRES_CAP[u.cls or "I"]
            quota[u.id] = cap + pick(8, 12, "surplus", u.id)
            qrange[u.id] = (cap + 8, cap + 12)
        else:
            top = min(u.staff.get("baseline", 0), CADRES_CAP[u.cls])
            quota[u.id] = top - pick(0, 1, "commune-cut", u.id)
            qrange[u.id] = (top - 1, top)
    nudge(quota, qrange, TOTALS["commune_staff"][1], "commune-quota")
    actual, arange = {}, {}
    for u in units:
        q = quota[u.id]
        if u.id in absorbing:
            actual[u.id] = q + pick(0, 2, "surplus", u.id)
            arange[u.id] = (q, q + 2)
        else:
            actual[u.id] = q - pick(0, 1, "vacant", u.id)
            arange[u.id] = (q - 1, q)
    nudge(actual, arange, TOTALS["commune_staff"][2], "commune-actual")
    for u in units:
        u.staff["quota"] = quota[u.id]
        u.staff["actual"] = actual[u.id]


def settle_schools():
    """School staff at start, each within its range, so that public-service
    staff sums to TOTALS; then the schools' deputies (1 or 2 where the size
    allows either) so that public-service deputies at start, and those in
    units that merge, sum to TOTALS."""
    ps = [u for u in REGISTRY.all()
          if u.level == "public-service" and u.at_start]
    schools = [u for u in ps if u.school]
    others = sum(u.staff["baseline"] for u in ps if not u.school)
    base = nudge({u.id: u.staff["baseline"] for u in schools},
                 {u.id: u.staff_range for u in schools},
                 TOTALS["public_service_staff"][0] - others, "school-baseline")
    for u in schools:
        u.staff["baseline"] = base[u.id]
    total, merging = TOTALS["public_service_deputies"]
    for group, want in ((False, total - merging), (True, merging)):
        units = [u for u in ps if (u.status != "active") == group]
        deps, bounds = {}, {}
        for u in units:
            p = u.positions[1]
            if not u.school:
                want -= p.baseline
                continue
            b = u.staff["baseline"]
            deps[u.id] = ps_deputies(u.id, b)
            bounds[u.id] = (1, 2) if 25 <= b < 60 else (deps[u.id],) * 2
        nudge(deps, bounds, want, "school-deputies")
        for u in units:
            if u.school:
                u.positions[1].slots = u.positions[1].baseline = deps[u.id]


def settle_school_actuals():
    """People in post in schools, within the ranges settle_staff draws
    from, so that public-service actuals sum to TOTALS."""
    units = [u for u in REGISTRY.all()
             if u.kind == "public-service" and u.after and u.staff is not None]
    absorbing = {u.into for u in REGISTRY.all()
                 if u.kind == "public-service" and u.status == "merged"}
    schools = [u for u in units if u.school]
    others = sum(u.staff["actual"] for u in units if not u.school)
    bounds = {}
    for u in schools:
        q = u.staff["quota"]
        bounds[u.id] = ((q + 1, q + 3) if u.id in absorbing
                        else (q - 2, q) if q > 3 else (q, q))
    actual = nudge({u.id: u.staff["actual"] for u in schools}, bounds,
                   TOTALS["public_service_staff"][1] - others, "school-actual")
    for u in schools:
        u.staff["actual"] = actual[u.id]


def settle_deputies(level, reduction):
    """Make the deputies' reduction at `level` exact: raise deputies where
    units absorbed others (up to 3), or lower them where there are 2 or
    more."""
    units = [u for u in REGISTRY.all() if u.level == level]
    deputy = [(u, p) for u in units for p in u.positions
              if LEADERSHIP[p.title] == "deputy"]
    start = sum(p.baseline for u, p in deputy if u.at_start)
    after = sum(p.slots for u, p in deputy if u.after)
    diff = (start - after) - reduction
    absorbing = {u.into for u in units if u.status == "merged"}
    cands = [(u, p) for u, p in deputy if u.status == "active" and not p.locked]

    def room(u, strict):
        if strict and level == "division" and u.staff and "quota" in u.staff:
            return deputy_cap(u.staff["quota"])
        return 3

    if diff > 0:     # too many cut: give absorbing units another deputy,
        # first within the size steps, then up to 3
        order = sorted(cands, key=lambda up: (up[0].id not in absorbing,
                                              h("dep+", up[0].id)))
        strict = True
        while diff > 0:
            moved = False
            for u, p in order:
                if diff and p.slots < room(u, strict):
                    p.slots += 1
                    diff -= 1
                    moved = True
            if not moved and strict:
                strict, moved = False, True
            if not moved:
                raise SystemExit("%s: cannot settle deputies (%d left of %d)"
                                 % (level, diff, start - after - reduction))
    elif diff < 0:   # too few cut: trim deputies where there are 2 or more
        order = sorted(cands, key=lambda up: h("dep-", up[0].id))
        while diff < 0:
            moved = False
            for u, p in order:
                if diff and p.slots >= 2:
                    p.slots -= 1
                    diff += 1
                    moved = True
            if not moved:
                raise SystemExit("%s: cannot settle deputies (%d left of %d)"
                                 % (level, diff, start - after - reduction))


def assign_commune_leaders():
    """The communes where one person is party secretary and chair."""
    absorbing = {u.into for u in REGISTRY.all()
                 if u.level == "commune" and u.status == "merged"}
    communes = [u for u in REGISTRY.all()
                if u.level == "commune" and u.status == "active"
                and u.ctype in ("xa", "thi-tran") and u.id not in absorbing]
    communes.sort(key=lambda u: h("nhat-the", u.id))
    return {u.id for u in communes[:SECRETARY_CHAIR_COMMUNES]}


# --------------------------------------------------------------- checking

def compute_stats(tasks):
    units = REGISTRY.all()
    out = {"units": {}, "leaders": {}, "staff": {}, "merged_titles": {},
           "tasks": {}}
    for u in units:
        s, a = out["units"].get(u.level, (0, 0))
        out["units"][u.level] = (s + u.at_start, a + u.after)
        for p in u.positions:
            lead = LEADERSHIP[p.title]
            if lead not in ("head", "deputy"):
                continue
            s, a = out["leaders"].get((u.level, lead), (0, 0))
            out["leaders"][(u.level, lead)] = (s + (p.baseline if u.at_start else 0),
                                               a + (p.slots if u.after else 0))
        if u.staff is not None:
            b, q = out["staff"].get(u.kind or "", (0, 0))
            out["staff"][u.kind or ""] = (
                b + (u.staff.get("baseline", 0) if u.at_start else 0),
                q + (u.staff.get("quota", 0) if u.after else 0))
    held = defaultdict(list)
    for u in units:
        if u.after:
            for p in u.positions:
                for pid in p.holders:
                    held[pid].append(p.title)
    for pid, titles in held.items():
        if len(titles) >= 2:
            key = tuple(sorted(set(titles)))
            out["merged_titles"][key] = out["merged_titles"].get(key, 0) + 1
    for t in tasks:
        sel = t["applies_to"]
        owners = [u for u in units if u.after and u.level == sel["level"]
                  and all(tag in u.tags for tag in sel.get("tags", []))]
        done = sum(1 for u in owners if "done" in u.progress.get(t["id"], {})
                   and u.progress[t["id"]]["done"] <= AS_OF)
        out["tasks"][t["id"]] = (done, len(owners))
    types = defaultdict(int)
    for u in units:
        if u.level == "commune" and u.after:
            types[u.ctype] += 1
    out["commune_types_after"] = dict(types)
    return out


def check_facts(stats):
    bad = []
    for level, want in FACTS["units"].items():
        if stats["units"].get(level) != want:
            bad.append("units %s: %s, want %s" % (level, stats["units"].get(level), want))
    for key, want in FACTS["leader_cuts"].items():
        s, a = stats["leaders"].get(key, (0, 0))
        if s - a != want:
            bad.append("leaders %s: %d-%d=%d, want %d" % (key, s, a, s - a, want))
    for kind, want in FACTS["staff_cuts"].items():
        b, q = stats["staff"].get(kind, (0, 0))
        if b - q != want:
            bad.append("staff %s: %d-%d=%d, want %d" % (kind, b, q, b - q, want))
    if stats["merged_titles"] != FACTS["merged_titles"]:
        bad.append("merged titles: %s" % stats["merged_titles"])
    for task, want in FACTS["tasks"].items():
        if stats["tasks"].get(task) != want:
            bad.append("task %s: %s, want %s" % (task, stats["tasks"].get(task), want))
    if stats["commune_types_after"] != FACTS["commune_types_after"]:
        bad.append("commune types: %s" % stats["commune_types_after"])
    return bad + check_totals()


def check_totals():
    """What TOTALS fixes, counted afresh."""
    units = REGISTRY.all()
    bad = []

    def want(what, got, wanted):
        if got != wanted:
            bad.append("%s: %s, want %s" % (what, got, wanted))

    for cls, (stay, merge) in TOTALS["xa_classes"].items():
        xa = [u for u in units if u.level == "commune" and u.ctype == "xa"
              and u.cls == cls]
        want("class %s xã" % cls,
             (sum(u.status == "active" for u in xa),
              sum(u.status == "merged" for u in xa)), (stay, merge))

    def staff(kind, key, pred):
        return sum(u.staff.get(key, 0) for u in units
                   if u.kind == kind and u.staff is not None and pred(u))

    at_start = (lambda u: u.at_start)
    after = (lambda u: u.after)
    want("commune staff", (staff("commune", "baseline", at_start),
                           staff("commune", "quota", after),
                           staff("commune", "actual", after)),
         TOTALS["commune_staff"])
    want("public-service staff", (staff("public-service", "baseline", at_start),
                                  staff("public-service", "actual", after)),
         TOTALS["public_service_staff"])
    deps = [(u, p) for u in units if u.level == "public-service" and u.at_start
            for p in u.positions if LEADERSHIP[p.title] == "deputy"]
    want("public-service deputies",
         (sum(p.baseline for u, p in deps),
          sum(p.baseline for u, p in deps if u.status != "active")),
         TOTALS["public_service_deputies"])
    return bad


# ---------------------------------------------------------------- writing

PLAIN = re.compile(r"[^\s\-?:,\[\]{}#&*!|>'\"%@`][^:#,\[\]{}]*")
AMBIGUOUS = re.compile(r"~|(?i:null|true|false|yes|no|on|off|y|n)"
                       r"|[-+]?\.?[0-9][0-9A-Za-z_.:+\-]*|[-+]?\.(?i:inf|nan)")


def scalar(v):
    if isinstance(v, Raw):
        return str(v)
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    s = nfc(str(v))
    if PLAIN.fullmatch(s) and not AMBIGUOUS.fullmatch(s) and s == s.strip():
        return s
    return json.dumps(s, ensure_ascii=False)


def flow(v):
    if isinstance(v, dict):
        if not v:
            return "{}"
        return "{ " + ", ".join("%s: %s" % (k, flow(x)) for k, x in v.items()) + " }"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    return scalar(v)


def comment(out, ind, text):
    for line in text.split("\n"):
        out.append("%s# %s" % (" " * ind, line) if line else "%s#" % (" " * ind))


def position_map(u, p):
    m = {"title": p.title}
    if p.holders:
        m["holders"] = p.holders
        if p.slots != len(p.holders):
            m["slots"] = p.slots
    else:
        m["slots"] = p.slots
    if u.status == "active" and p.baseline != p.slots:
        m["baseline"] = p.baseline
    return m


def emit_unit(out, u, ind):
    if u.comment:
        comment(out, ind, u.comment)
    pad = " " * (ind + 2)
    out.append("%s- id: %s" % (" " * ind, u.id))
    out.append("%sname: %s" % (pad, scalar(u.name)))
    if u.flat:
        out.append("%sparent: %s" % (pad, u.parent.id))
    out.append("%slevel: %s" % (pad, u.level))
    if u.kind:
        out.append("%skind: %s" % (pad, u.kind))
    if u.tags:
        out.append("%stags: %s" % (pad, flow(u.tags)))
    if u.status != "active":
        out.append("%sstatus: %s" % (pad, u.status))
    if u.into:
        out.append("%sinto: %s" % (pad, u.into))
    if u.effective:
        out.append("%seffective: %s" % (pad, u.effective.isoformat()))
    if u.attrs is not None:
        out.append("%sattrs: %s" % (pad, flow(u.attrs)))
    for k, v in u.x.items():
        out.append("%sx-%s: %s" % (pad, k, flow(v)))
    if u.staff:
        staff = {k: u.staff[k] for k in ("baseline", "quota", "actual")
                 if k in u.staff and (k == "baseline" or u.after)}
        out.append("%sstaff: %s" % (pad, flow(staff)))
    if u.positions:
        maps = [position_map(u, p) for p in u.positions]
        line = "%spositions: %s" % (pad, flow(maps))
        if len(line) <= 100 and not any(p.holders for p in u.positions):
            out.append(line)
        else:
            out.append("%spositions:" % pad)
            for m in maps:
                out.append("%s  - %s" % (pad, flow(m)))
    if u.progress:
        out.append("%sprogress:" % pad)
        for task, state in u.progress.items():
            out.append("%s  %s: %s" % (pad, task, flow(state)))
    if u.children:
        out.append("%sunits:" % pad)
        for c in u.children:
            emit_unit(out, c, ind + 4)


HEADER = """\
Đề án 02 của Tỉnh ủy Long An: sắp xếp tổ chức bộ máy của hệ thống chính trị,
as a plancheck plan (format: plancheck: plan/1).

GENERATED FILE - do not edit by hand. Change plans/tools/make-long-an.py and
run:  python3 plans/tools/make-long-an.py

`plancheck stats plans/long-an.yaml` reproduces the figures of the
provincial report:
  - provincial-level focal units (level department): 29 -> 27, cut 2
  - division-level focal units (level division): 500 -> 407, cut 93
  - heads and deputies of divisions: cut 93 + 116 = 209
  - party secretary = People's Committee chair: 23 communes
  - Head of Propaganda = Director of the Political Training Centre: 15/15
  - Head of Mass Mobilisation = Chair of the Fatherland Front: 7/15
  - staff cut: party bodies 54, state bodies 155, public service 1,024
  - public-service units: 813 -> 692 (121 merged; heads -121, deputies -108)
  - communes, wards and towns: 192 -> 188 (161 xã, 12 phường, 15 thị trấn)
The 15 districts and all counts follow the provincial report; commune,
ward and town names are generated; division and public-service names below
the districts, all headcounts, dates of progress, commune classes and all
people are illustrative (see plans/README.md)."""


def emit(tasks, waivers, la, districts):
    out = []
    comment(out, 0, HEADER)
    out.append("")
    out.append("plancheck: plan/1")
    out.append("plan:")
    out.append("  id: long-an-de-an-02")
    out.append("  name: %s" % scalar("Đề án 02 – Sắp xếp tổ chức bộ máy của hệ thống "
                                     "chính trị tỉnh Long An"))
    out.append("  authority: Tỉnh ủy Long An")
    out.append("  start: 2018-01-01")
    out.append("  end: 2021-12-31")
    out.append("  as_of: %s" % AS_OF.isoformat())
    out.append("rules: [../rules/vn-2018.yaml]")
    out.append("")
    comment(out, 0, "Keys starting with x- are the plan's own data; plancheck ignores them.")
    out.append("x-generated-by: plans/tools/make-long-an.py")
    out.append("x-source: %s" % scalar(
        "Số liệu theo báo cáo kết quả thực hiện Đề án 02 đăng trên báo của tỉnh; "
        "15 đơn vị hành chính cấp huyện và số xã, phường, thị trấn theo thực tế; "
        "tên xã, phường, thị trấn là tên tạo ra, không phải tên thật"))
    comment(out, 0, "Attributes shared by every xã; each commune merges them into its\n"
                    "own attrs with the YAML merge key (<<: *xa) and adds its class.")
    out.append("x-defaults:")
    out.append("  xa: &xa { type: xa }")
    out.append("")
    comment(out, 0, "Titles (chức danh). leadership: head | deputy lets `plancheck stats`\n"
                    "count heads and deputies.")
    out.append("titles:")
    for t in TITLES:
        if isinstance(t, str):
            comment(out, 2, t)
            continue
        m = {"id": t[0], "name": t[1], "kind": t[2]}
        if t[3]:
            m["leadership"] = t[3]
        out.append("  - %s" % flow(m))
    out.append("")
    comment(out, 0, "The schedule. Each district's progress is under its `progress:`.")
    out.append("tasks:")
    for t in tasks:
        out.append("  - id: %s" % t["id"])
        out.append("    name: %s" % scalar(t["name"]))
        out.append("    applies_to: %s" % flow(t["applies_to"]))
        out.append("    start: %s" % t["start"].isoformat())
        out.append("    due: %s" % t["due"].isoformat())
    out.append("")
    comment(out, 0, "Waivers for findings of rules/vn-2018.yaml. At as_of 2020-06-30: two\n"
                    "waive a finding; the one for Sở Nông nghiệp và PTNT matches nothing\n"
                    "(the plan already brings it down to 3 deputies); the one for Đức Hòa\n"
                    "has expired; the last is for a rule in force from 25 Nov 2020 only.")
    out.append("waivers:")
    for w in waivers:
        out.append("  - rule: %s" % w["rule"])
        out.append("    target: %s" % w["target"])
        out.append("    reason: %s" % scalar(w["reason"]))
        out.append("    approved_by: %s" % scalar(w["approved_by"]))
        out.append("    expires: %s" % w["expires"].isoformat())
    out.append("")
    comment(out, 0, "People named in positions that rules judge: the leaders of every\n"
                    "district and commune. Names are fictitious. standing_committee is\n"
                    "given for holders of merged titles (eligibility, see the rule pack).")
    out.append("people:")
    group = None
    for p in PEOPLE.people:
        if p["group"] != group:
            group = p["group"]
            comment(out, 2, group)
        out.append("  - %s" % flow({"id": p["id"], "name": p["name"],
                                    "attrs": p["attrs"]}))
    out.append("")
    comment(out, 0, "Units. The province holds its agencies (level department), their\n"
                    "divisions and public-service units nested under `units:`; the 15\n"
                    "district-level units follow in flat form with `parent: LA`.")
    out.append("units:")
    emit_unit(out, la, 2)
    for d in districts:
        out.append("")
        emit_unit(out, d, 2)
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- main

def main(argv):
    target = Path(argv[1]) if len(argv) > 1 else \
        Path(__file__).resolve().parent.parent / "long-an.yaml"

    la = Unit("LA", "Tỉnh Long An", "province")
    REGISTRY.register(la)
    la.attrs = {"grade": "II"}
    la.x["note"] = "Phân loại đơn vị hành chính cấp tỉnh (grade) chưa được xác nhận"
    la.pos("party-secretary", 1)
    la.pos("pc-chair", 1)
    la.pos("pc-vice-chair", 3)
    first = True
    for spec in PROVINCE_DEPARTMENTS:
        d = build_department(la, spec)
        if first:
            d.comment = ("Cơ quan cấp tỉnh: các ban của Tỉnh ủy, Ủy ban MTTQ, "
                         "văn phòng và các sở")
            first = False
    resolve_pending_merges()
    first = True
    for uid, name, rng in PROVINCE_PS:
        la.add(make_ps(uid, name, rng),
               comment="Đơn vị sự nghiệp trực thuộc Tỉnh ủy, UBND tỉnh"
               if first else None)
        first = False

    # How many lower-secondary schools merge into primary ones: whatever
    # the other mergers leave of the 121.
    other_ps_merges = (
        sum(1 for s in PROVINCE_DEPARTMENTS for line in parse_lines(s.get("ps", ""))
            if " > " in line)
        - sum(1 for s in PROVINCE_DEPARTMENTS for line in parse_lines(s.get("ps", ""))
              if line.startswith("+"))
        + len(DISTRICT_HOSPITALS)
        + len(DISTRICTS) * sum(1 for c in DISTRICT_PS if c[3])
        + 3 * (sum(len(v) for v in MERGED_INTO_TOWN.values())
               + sum(len(v) - 1 for v in NEW_COMMUNES.values())))
    plan = plan_communes()
    lien_cap = pick_lien_cap(plan, 121 - other_ps_merges)

    districts = [build_district(la, code, did, name, plan[did], lien_cap)
                 for code, did, name, _ in DISTRICTS]
    province_schools(la)
    settle_commune_baselines()
    settle_schools()

    settle_staff("party", 54)
    settle_staff("state", 155)
    settle_staff("public-service", 1024)
    settle_school_actuals()
    settle_staff("front", 0)
    settle_communes()
    settle_deputies("division", 116)
    settle_deputies("public-service", 108)

    # Commune leaders: 23 communes where one person is both party secretary
    # and People's Committee chair.
    chosen = assign_commune_leaders()
    people_in_order(districts, chosen)

    # Progress on the tasks.
    for d in districts:
        did = d.id
        if did in TUYEN_GIAO_LATE:
            d.progress["merge-tuyen-giao-ttct"] = {"done": TUYEN_GIAO_LATE[did]}
        else:
            d.progress["merge-tuyen-giao-ttct"] = {
                "done": day(date(2019, 11, 20), pick(0, 120, "tg", did))}
        if did in DAN_VAN_DONE:
            d.progress["merge-dan-van-mttq"] = {"done": DAN_VAN_DONE[did]}
        elif did in DAN_VAN_PERCENT:
            d.progress["merge-dan-van-mttq"] = {"percent": DAN_VAN_PERCENT[did]}
        if did in NEW_COMMUNES or any(
                c.into and REGISTRY[c.into].level == "commune"
                for c in d.children if c.level == "commune"):
            d.tags.append("sap-xep-xa")
            d.progress["sap-xep-xa"] = {"done": COMMUNE_MERGE_DATE}
        if did in DVSN_DONE:
            d.progress["sap-xep-dvsn"] = {"done": DVSN_DONE[did]}
        elif did in DVSN_BEHIND:
            d.progress["sap-xep-dvsn"] = {"percent": DVSN_BEHIND[did]}
        else:
            d.progress["sap-xep-dvsn"] = {"percent": 5 * pick(11, 18, "dvsn", did)}

    four = REGISTRY[FOUR_DEPUTY_DIVISION[0]]
    four_div = [c for c in four.children if c.name == FOUR_DEPUTY_DIVISION[1]][0]
    waivers = []
    for w in WAIVERS:
        w = dict(w)
        if w["target"] == "four-deputy-division":
            w["target"] = four_div.id
        elif w["target"].startswith("town:"):
            # The town that absorbed communes, and those it absorbed.
            did = w["target"][len("town:"):]
            town = plan[did][0]
            absorbed = [c["name"] for c in plan[did] if c["into"] == town["uid"]]
            w["target"] = town["uid"]
            w["reason"] = w["reason"].format(town=town["name"], absorbed=" và ".join(
                lower_first(n) for n in absorbed))
        waivers.append(w)

    stats = compute_stats(TASKS)
    bad = check_facts(stats)
    for key in sorted(stats["units"]):
        s, a = stats["units"][key]
        print("units %-15s %4d -> %4d  (-%d)" % (key, s, a, s - a), file=sys.stderr)
    for key in sorted(stats["leaders"]):
        s, a = stats["leaders"][key]
        print("leaders %-24s %4d -> %4d  (-%d)" % ("/".join(key), s, a, s - a),
              file=sys.stderr)
    for key in sorted(stats["staff"]):
        b, q = stats["staff"][key]
        print("staff %-15s %6d -> %6d  (-%d)" % (key, b, q, b - q), file=sys.stderr)
    print("people: %d" % len(PEOPLE.people), file=sys.stderr)
    if bad:
        for b in bad:
            print("make-long-an: " + b, file=sys.stderr)
        return 1
    text = emit(TASKS, waivers, la, districts)
    target.write_text(text, encoding="utf-8")
    print("wrote %s (%d lines)" % (target, text.count("\n")), file=sys.stderr)
    return 0


def people_in_order(districts, chosen):
    """Name the commune leaders (district leaders were named while the
    districts were built), then renumber everyone district by district."""
    order = {d.name: i for i, d in enumerate(districts)}
    for d in districts:
        for c in d.children:
            if c.level != "commune" or not c.after:
                continue
            if c.id in chosen:
                pid = PEOPLE.new((c.id, "secretary-chair"), d.name, merged=True)
                c.positions[0].holders = [pid]
                c.positions[1].holders = [pid]
            else:
                c.positions[0].holders = [PEOPLE.new((c.id, "secretary"), d.name)]
                c.positions[1].holders = [PEOPLE.new((c.id, "chair"), d.name)]
    people = sorted(PEOPLE.people, key=lambda p: (order[p["group"]],
                                                  int(p["id"][1:])))
    renum = {p["id"]: "P%04d" % (i + 1) for i, p in enumerate(people)}
    for p in people:
        p["id"] = renum[p["id"]]
    PEOPLE.people = people
    for u in REGISTRY.all():
        for p in u.positions:
            p.holders = [renum[x] for x in p.holders]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
