"""What the demo company (海川电器, a water-heater and bathroom-fixture maker) sells and fixes.

Plain data: product models, the parts price list, and for each product category the problems
customers call about, with what a technician finds, why, what he does, and the parts he fits.
"""

from dataclasses import dataclass, field
from decimal import Decimal

COMPANY = "海川电器"

# (code, name, category, warranty months, standard service fee, serial prefix)
PRODUCT_MODELS = [
    ("JSQ24-13HC5", "燃气热水器 13升 恒温", "gas_water_heater", 36, "80.00", "HCQ13"),
    ("JSQ30-16HC8", "燃气热水器 16升 零冷水", "gas_water_heater", 36, "100.00", "HCQ16"),
    ("JSQ20-11LS", "燃气热水器 11升 强排", "gas_water_heater", 24, "80.00", "HCQ11"),
    ("F60-21A5", "电热水器 60升 双胆速热", "electric_water_heater", 36, "60.00", "HCD60"),
    ("F80-32B3", "电热水器 80升 一级能效", "electric_water_heater", 36, "60.00", "HCD80"),
    ("DSK-6.6X", "小厨宝 6.6升 即热", "electric_water_heater", 24, "50.00", "HCX66"),
    ("RSQ-200K", "空气能热水器 200升", "heat_pump", 36, "150.00", "HCK200"),
    ("ZMG-S300", "智能马桶盖 即热式", "smart_toilet_seat", 12, "80.00", "HCZG"),
    ("ZM-Y600", "智能马桶 一体机", "smart_toilet", 24, "120.00", "HCZM"),
    ("HS-350T", "恒温花洒套装", "shower", 36, "50.00", "HCHS"),
    ("YSG-80A", "浴室柜 80厘米 组合", "bathroom_cabinet", 24, "60.00", "HCYG"),
    ("YB-F12", "风暖浴霸 集成吊顶", "bath_heater", 24, "60.00", "HCYB"),
]

# How often each model sells (same order as PRODUCT_MODELS).
MODEL_WEIGHTS = [14, 8, 6, 12, 9, 5, 2, 9, 4, 10, 7, 6]

# (code, name, unit price, product category)
PARTS = [
    ("GWH-101", "点火针", "25.00", "gas_water_heater"),
    ("GWH-102", "脉冲点火器", "68.00", "gas_water_heater"),
    ("GWH-103", "火焰检测针", "25.00", "gas_water_heater"),
    ("GWH-104", "水流量传感器", "85.00", "gas_water_heater"),
    ("GWH-105", "NTC温度传感器", "45.00", "gas_water_heater"),
    ("GWH-106", "燃气比例阀", "160.00", "gas_water_heater"),
    ("GWH-107", "燃气电磁阀", "180.00", "gas_water_heater"),
    ("GWH-108", "直流风机", "260.00", "gas_water_heater"),
    ("GWH-109", "燃气热水器主控板", "380.00", "gas_water_heater"),
    ("GWH-110", "显示操作板", "150.00", "gas_water_heater"),
    ("GWH-111", "热交换器（铜）", "680.00", "gas_water_heater"),
    ("GWH-112", "风压开关", "65.00", "gas_water_heater"),
    ("GWH-113", "排烟管组件", "120.00", "gas_water_heater"),
    ("EWH-201", "加热管 2000W", "120.00", "electric_water_heater"),
    ("EWH-202", "温控器", "55.00", "electric_water_heater"),
    ("EWH-203", "镁棒", "45.00", "electric_water_heater"),
    ("EWH-204", "安全泄压阀", "35.00", "electric_water_heater"),
    ("EWH-205", "漏电保护插头", "88.00", "electric_water_heater"),
    ("EWH-206", "电热水器主控板", "260.00", "electric_water_heater"),
    ("EWH-207", "法兰密封圈", "10.00", "electric_water_heater"),
    ("HPW-251", "压缩机启动电容", "75.00", "heat_pump"),
    ("HPW-252", "四通阀线圈", "95.00", "heat_pump"),
    ("ZTS-301", "喷嘴组件", "90.00", "smart_toilet_seat"),
    ("ZTS-302", "陶瓷加热座圈", "260.00", "smart_toilet_seat"),
    ("ZTS-303", "即热加热模块", "320.00", "smart_toilet_seat"),
    ("ZTS-304", "无线遥控器", "120.00", "smart_toilet_seat"),
    ("ZTS-305", "进水电磁阀", "65.00", "smart_toilet_seat"),
    ("ZTS-306", "烘干风机", "85.00", "smart_toilet_seat"),
    ("ZTS-307", "除臭滤芯", "35.00", "smart_toilet_seat"),
    ("ZTS-308", "缓降盖板", "160.00", "smart_toilet"),
    ("ZTS-309", "智能马桶主板", "350.00", "smart_toilet"),
    ("SHW-401", "恒温阀芯", "180.00", "shower"),
    ("SHW-402", "顶喷花洒头", "120.00", "shower"),
    ("SHW-403", "手持花洒软管 1.5米", "45.00", "shower"),
    ("SHW-404", "转换阀芯", "60.00", "shower"),
    ("SHW-405", "进水过滤网", "8.00", "shower"),
    ("CAB-501", "液压缓冲铰链", "15.00", "bathroom_cabinet"),
    ("CAB-502", "抽屉阻尼滑轨", "45.00", "bathroom_cabinet"),
    ("CAB-503", "台下盆下水器", "45.00", "bathroom_cabinet"),
    ("CAB-504", "LED镜前灯", "150.00", "bathroom_cabinet"),
    ("CAB-505", "面盆龙头", "220.00", "bathroom_cabinet"),
    ("BHT-601", "暖风电机", "160.00", "bath_heater"),
    ("BHT-602", "PTC加热片", "150.00", "bath_heater"),
    ("BHT-603", "开关控制面板", "95.00", "bath_heater"),
]


@dataclass(frozen=True)
class Problem:
    """A customer's complaint and the technician's finding (AR-4: fault → cause → action)."""

    description: str
    fault_found: str
    fault_cause: str
    action_taken: str
    parts: tuple[str, ...] = ()
    hours: str = "1.0"
    cause: str = "product_fault"  # service.choices.Cause
    bench: bool = False  # usually carried back to the workshop
    urgency: str = "normal"
    extra: dict = field(default_factory=dict)


PROBLEMS = {
    "gas_water_heater": [
        Problem("热水器打不着火，屏幕显示E1", "点火时无火花", "点火针积碳、间隙过大",
                "清理并更换点火针，调整间隙，试机正常", ("GWH-101",), "1.0"),
        Problem("洗澡时水温忽冷忽热", "出水温度波动超过5℃", "水流量传感器卡滞",
                "更换水流量传感器，恒温测试正常", ("GWH-104",), "1.5"),
        Problem("开热水时机器有很大异响", "风机运转异响", "风机轴承磨损",
                "更换直流风机，试机噪音正常", ("GWH-108",), "1.5"),
        Problem("热水器底部漏水", "热交换器出水口渗漏", "冬季未排空，热交换器冻裂",
                "更换热交换器，告知用户冬季防冻方法", ("GWH-111",), "2.5", "misuse", True),
        Problem("显示屏不亮，按键没反应", "显示板无供电", "主控板电源模块损坏",
                "更换主控板，通电测试正常", ("GWH-109",), "1.5", "product_fault", True),
        Problem("热水器工作时有燃气味", "燃气管接头处检漏有气泡", "进气接头密封圈老化",
                "重新密封进气接头，检漏合格，提醒用户定期检查", (), "1.0", "product_fault",
                False, "emergency"),
        Problem("出水不够热，调到最高也只有温水", "二次燃烧不充分", "燃气比例阀开度不足",
                "更换燃气比例阀，调整燃气压力", ("GWH-106",), "2.0"),
        Problem("用一会儿就自动熄火，显示E2", "火焰检测信号弱", "火焰检测针氧化",
                "更换火焰检测针，连续运行30分钟无熄火", ("GWH-103",), "1.0"),
        Problem("用户自己移机后不能使用", "排烟管未接到室外，风压开关动作", "用户自行移装",
                "重新安装排烟管组件，试机正常，告知移机需专业人员", ("GWH-113", "GWH-112"),
                "2.0", "self_installed"),
    ],
    "electric_water_heater": [
        Problem("加热很慢，一晚上都烧不热", "加热管电阻异常", "加热管结垢烧断一组",
                "更换加热管并清洗内胆水垢", ("EWH-201", "EWH-207"), "2.0"),
        Problem("一开机漏电保护就跳闸", "加热管对地绝缘电阻偏低", "加热管表面破损漏电",
                "更换加热管和漏电保护插头，绝缘测试合格", ("EWH-201", "EWH-205"), "2.0"),
        Problem("显示E3故障代码", "温度传感器读数异常", "温控器失效",
                "更换温控器，加热至设定温度自动停止", ("EWH-202",), "1.0"),
        Problem("热水器泄压阀一直滴水", "泄压阀阀芯关闭不严", "泄压阀弹簧疲劳",
                "更换安全泄压阀", ("EWH-204",), "0.5"),
        Problem("出来的热水有异味、发黄", "镁棒消耗殆尽，内胆有锈水", "镁棒超过使用年限未更换",
                "更换镁棒，清洗内胆，建议每两年更换镁棒", ("EWH-203",), "1.5"),
        Problem("雷雨天后整机不通电", "主控板保险管熔断、电源芯片击穿", "电压不稳，雷击浪涌",
                "更换主控板，建议加装防雷插座", ("EWH-206",), "1.5", "unstable_power", True),
    ],
    "heat_pump": [
        Problem("空气能主机不启动，水不热", "压缩机无法启动", "启动电容容量衰减",
                "更换压缩机启动电容，运行正常", ("HPW-251",), "2.0"),
        Problem("冬天制热效果差，外机结霜严重", "化霜不能正常切换", "四通阀线圈烧坏",
                "更换四通阀线圈，化霜测试正常", ("HPW-252",), "2.5"),
    ],
    "smart_toilet_seat": [
        Problem("座圈不加热", "座圈加热丝开路", "陶瓷加热座圈损坏",
                "更换加热座圈，温度档位测试正常", ("ZTS-302",), "1.0", "product_fault", True),
        Problem("按清洗键喷嘴不出水", "喷嘴伸出后无水流", "进水电磁阀堵塞",
                "清理进水过滤网，更换进水电磁阀", ("ZTS-305",), "1.0"),
        Problem("遥控器按了没反应", "遥控器无信号", "遥控器进水损坏",
                "更换无线遥控器并重新配对", ("ZTS-304",), "0.5", "misuse"),
        Problem("冲洗水是凉的", "即热模块不工作", "即热加热模块损坏",
                "更换即热加热模块", ("ZTS-303",), "1.5", "product_fault", True),
        Problem("烘干功能不出风", "烘干风机不转", "风机卡入异物",
                "更换烘干风机，更换除臭滤芯", ("ZTS-306", "ZTS-307"), "1.0"),
    ],
    "smart_toilet": [
        Problem("马桶盖板不能缓降，直接砸下来", "缓降阻尼失效", "盖板阻尼器老化",
                "更换缓降盖板", ("ZTS-308",), "0.5"),
        Problem("智能马桶整机不工作，指示灯闪烁", "主板报通讯故障", "主板受潮短路",
                "更换智能马桶主板，做防潮处理", ("ZTS-309",), "2.0", "product_fault", True),
        Problem("冲水后水箱一直流水", "进水阀关闭不严", "进水阀有杂质",
                "清理进水阀和过滤网", (), "0.5"),
    ],
    "shower": [
        Problem("恒温花洒调温失灵，只出冷水", "恒温阀芯不动作", "阀芯结垢卡死",
                "更换恒温阀芯，调校温度刻度", ("SHW-401",), "1.0"),
        Problem("顶喷出水很小", "顶喷出水孔堵塞", "水质硬，出水孔结垢",
                "更换顶喷花洒头，清洗进水过滤网", ("SHW-402", "SHW-405"), "0.5"),
        Problem("花洒软管接头漏水", "软管接口垫圈开裂", "软管老化",
                "更换手持花洒软管", ("SHW-403",), "0.5"),
        Problem("顶喷和手持不能切换", "转换阀芯卡滞", "转换阀芯磨损",
                "更换转换阀芯", ("SHW-404",), "0.5"),
    ],
    "bathroom_cabinet": [
        Problem("浴室柜柜门下垂关不严", "铰链缓冲失效、螺丝松动", "铰链受潮生锈",
                "更换两只液压缓冲铰链并调整门板", ("CAB-501", "CAB-501"), "0.5"),
        Problem("台盆下水很慢", "下水器堵塞", "毛发堵塞下水器",
                "疏通并更换台下盆下水器", ("CAB-503",), "0.5", "misuse"),
        Problem("抽屉拉不动，卡住", "滑轨变形", "抽屉超载使用",
                "更换抽屉阻尼滑轨", ("CAB-502",), "0.5", "misuse"),
        Problem("镜前灯不亮", "LED驱动损坏", "灯具受潮",
                "更换LED镜前灯", ("CAB-504",), "0.5"),
        Problem("面盆龙头关不紧，一直滴水", "阀芯密封失效", "陶瓷阀芯磨损",
                "更换面盆龙头", ("CAB-505",), "0.5"),
    ],
    "bath_heater": [
        Problem("浴霸暖风吹出来是凉的", "PTC加热片不发热", "PTC加热片老化",
                "更换PTC加热片", ("BHT-602",), "1.0"),
        Problem("浴霸换气噪音很大", "暖风电机异响", "电机轴承缺油磨损",
                "更换暖风电机", ("BHT-601",), "1.0"),
        Problem("浴霸开关面板按了没反应", "开关面板无输出", "面板进水损坏",
                "更换开关控制面板，加装防水罩", ("BHT-603",), "0.5", "misuse"),
    ],
}

# Calls for a product not yet installed (AR-3 unboxing, WK-5 installation and commissioning).
UNBOXING_PROBLEMS = [
    Problem("新机到货，预约上门安装调试", "新机开箱检查外观、配件齐全", "新机安装",
            "完成安装调试，教会用户使用，现场清理干净", (), "1.5"),
    Problem("开箱发现外壳有磕碰", "外壳右侧有凹痕，配件齐全", "运输途中磕碰",
            "拍照登记，按开箱问题方案更换外壳后安装", (), "1.0"),
]

INTERNAL_WORK = [
    "门店样机巡检",
    "服务中心备件库盘点",
    "维修工具保养与校验",
    "新员工燃气热水器维修培训",
]

OPINIONS = ["满意", "非常满意，师傅很专业", "上门准时，服务态度好", "处理及时，谢谢",
            "基本满意，希望下次早点到", "师傅讲解很耐心", "满意，现场也清理干净了", ""]

RESCHEDULE_REASONS = ["缺少配件，已订货，约好后天再来", "客户临时外出，改约明天上午",
                      "所需配件仓库调货中，到货后再上门", "物业停水，无法试机，改约时间"]

CANCEL_REASONS = ["客户已自行解决", "重复报修，已合并到另一张单", "客户来电取消，暂不需要维修",
                  "联系不上客户，三次回访无果"]

DECLINE_REASONS = ["客户不同意收费，暂不维修", "客户觉得费用太高，考虑换新机"]

INSPECTION_FAILURES = ["试机2小时后仍有渗水，返工", "更换后显示仍有偶发故障代码，重新检查"]

CARRY_ITEMS = {
    "gas_water_heater": "燃气热水器主机一台（无配件），外壳有轻微划痕",
    "electric_water_heater": "电热水器主板一块、温控器一个",
    "heat_pump": "空气能主机控制板一块",
    "smart_toilet_seat": "智能马桶盖一台（含遥控器）",
    "smart_toilet": "智能马桶主板一块",
    "shower": "恒温阀体一个",
    "bathroom_cabinet": "镜柜一个",
    "bath_heater": "浴霸主机一台",
}


def parts_price() -> dict[str, Decimal]:
    return {code: Decimal(price) for code, _name, price, _cat in PARTS}
