"""Made-up but real-looking people, phone numbers and Shanghai addresses for the demo.

Everything is drawn from a ``random.Random`` the caller seeds, so a seed gives the same people.
"""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
# Common surnames come first and are drawn more often (a rough Zipf weighting).
SURNAME_WEIGHTS = [1 / (i + 4) for i in range(len(SURNAMES))]
GIVEN = (
    "伟 芳 娜 敏 静 磊 军 洋 勇 艳 杰 涛 超 霞 平 刚 华 红 玲 斌 鹏 辉 丹 萍 鑫 宇 琳 倩 慧 颖 "
    "建国 秀英 桂英 志强 海燕 晓东 丽娟 俊杰 子涵 欣怡 浩然 梓萱 雨桐 文博 佳怡 志明 建华 立新 "
    "永强 丽华 秀兰 玉兰 春梅 雪梅 海波 国强 卫东 建军 晓明 晓燕 晓丽 婷婷 丹丹 佳琪 思琪 子轩 "
    "浩宇 一鸣 天宇 雅琴 美玲 淑珍 凤英 德明 文华 建平 伟民 振华 嘉怡 梓轩 宇航 欣妍 思远 俊豪 "
    "家豪 国华 宏伟 红梅 金凤 秋菊 明辉 少华 冬梅 玉珍 志刚 文杰 亚军 小红 晓峰 雪芳"
).split()
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "153", "155", "156", "157", "158", "159", "166", "176",
                   "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                   "198", "199")

# (district, town or area, roads, housing estates); urban and suburban parts of each centre.
PUDONG_URBAN = [
    ("浦东新区", "陆家嘴", ("陆家嘴环路", "浦东南路", "东昌路", "银城中路"),
     ("仁恒滨江园", "汤臣一品", "世茂滨江花园", "东园一村")),
    ("浦东新区", "花木", ("锦绣路", "花木路", "梅花路", "芳甸路"),
     ("联洋年华", "证大家园", "大华锦绣华城", "由由新村")),
    ("浦东新区", "张江", ("祖冲之路", "碧波路", "高科中路", "晨晖路"),
     ("张江汤臣豪园", "玉兰香苑", "古桐公寓", "中大九里德")),
    ("浦东新区", "金桥", ("金桥路", "张杨路", "云山路", "金高路"),
     ("金桥新村", "碧云国际社区", "佳虹小区", "金杨新村")),
    ("浦东新区", "洋泾", ("源深路", "崂山路", "罗山路", "灵山路"),
     ("盛世年华", "巨野小区", "洋泾新村", "泾东小区")),
    ("浦东新区", "北蔡", ("莲园路", "沪南路", "御青路", "博华路"),
     ("绿川新苑", "莲园小区", "御桥花园", "北蔡新村")),
]
PUDONG_SUBURBAN = [
    ("浦东新区", "惠南镇", ("拱极路", "城西路", "听潮路"), ("惠南新苑", "明珠花苑", "东城苑")),
    ("浦东新区", "祝桥镇", ("祝桥路", "金闻路", "卫亭路"), ("祝桥新村", "星火苑", "空港新苑")),
    ("浦东新区", "川沙新镇", ("川沙路", "华夏东路", "新川路"), ("川沙新苑", "妙境佳苑", "绿地川沙")),
]
SONGJIANG_URBAN = [
    ("松江区", "方松街道", ("荣乐东路", "人民北路", "文诚路", "谷阳北路"),
     ("泰晤士小镇", "江南名邸", "东方丽景", "开元新都")),
    ("松江区", "岳阳街道", ("中山中路", "乐都路", "岳阳路", "秀南街"),
     ("岳阳小区", "乐都新村", "西林新村", "中山苑")),
]
SONGJIANG_SUBURBAN = [
    ("松江区", "九亭镇", ("沪亭北路", "九亭大街", "易富路"), ("九亭明珠苑", "亭南小区", "奥林匹克花园")),
    ("松江区", "泗泾镇", ("泗通路", "鼓浪路", "江川北路"), ("泗泾新苑", "南方花苑", "景港花苑")),
    ("松江区", "佘山镇", ("林荫新路", "外青松公路", "佘天昆公路"), ("佘山天邻别墅", "佘山新苑")),
    ("松江区", "新桥镇", ("新站路", "莘砖公路", "明兴路"), ("新桥新苑", "春九苑", "明中小区")),
    ("松江区", "车墩镇", ("北松公路", "虬长路", "影视路"), ("车墩新苑", "华阳新村")),
]

COMPANY_WORDS = ("浦江", "金桥", "东方", "明珠", "锦绣", "海港", "松云", "九峰", "泖河", "佘山",
                 "云间", "华亭", "张江", "花木", "滨江", "世纪", "川沙", "祝桥", "惠南", "泗泾")
COMPANY_KINDS = ("酒店管理有限公司", "物业管理有限公司", "餐饮管理有限公司", "健身会所", "幼儿园",
                 "养老院", "宾馆有限公司", "公寓管理有限公司", "美容美发有限公司", "社区卫生服务中心")


def company_name(rng: random.Random, taken: set[str]) -> str:
    """A Shanghai business that runs many water heaters and bathrooms, unique within ``taken``."""
    for attempt in range(10_000):
        name = f"上海{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_KINDS)}"
        if attempt > 20:
            name += f"{attempt}号分店"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no company name left")


def person_name(rng: random.Random) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    return surname + rng.choice(GIVEN)


def mobile(rng: random.Random, taken: set[str]) -> str:
    """A valid mainland mobile number (E.164), unique within ``taken``."""
    while True:
        number = f"+86{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def landline(rng: random.Random) -> str:
    """A Shanghai landline (021), E.164."""
    return f"+8621{rng.choice('56')}{rng.randrange(10**7):07d}"


def address(rng: random.Random, areas) -> tuple[str, str]:
    """(address, district) in one of ``areas``."""
    district, town, roads, estates = rng.choice(areas)
    road = rng.choice(roads)
    if rng.random() < 0.75:
        lane = rng.randrange(100, 2500)
        text = (f"上海市{district}{road}{lane}弄{rng.choice(estates)}"
                f"{rng.randrange(1, 60)}号{rng.randrange(1, 33)}{rng.randrange(1, 5):02d}室")
    else:
        text = f"上海市{district}{town}{road}{rng.randrange(1, 1800)}号"
    return text, district


def company_address(rng: random.Random, areas) -> str:
    district, _town, roads, _estates = rng.choice(areas)
    return f"上海市{district}{rng.choice(roads)}{rng.randrange(1, 1800)}号"
