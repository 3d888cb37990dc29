"""Art. 8 decline signals on wording the data sets never used, and the admissible look-alikes (rubric rule 2-4).

Written after blind batch 3: each decline states the general signal (a court already holds the case, a figure written
other than the truth, hearsay with nothing first-hand, the owner's own money, asking the chamber for money), each
admissible item is a near miss the rubric keeps (a lawyer's letter, a case only considered, a refused police report,
a procurement 质疑, the opponent's lack of evidence, an honest correction, enforcement of a settled judgment).
"""

from __future__ import annotations

import pytest

from tests.triage.conftest import ticket
from triage.rules.engine import RulesEngine

DECLINED = [
    (
        "in_legal_proceedings",
        "秘书处 我们和供应商的合同纠纷法院上个月已经判了一审 我们不服 准备二审 想请商会帮忙调解",
    ),
    ("in_legal_proceedings", "那个欠款的事仲裁院已经立案了 编号都有了 能不能请商会再出面谈谈"),
    (
        "in_legal_proceedings",
        "Our dispute with the landlord has a court date on 3 March. Could the chamber talk to him before then?",
    ),
    ("in_legal_proceedings", "工伤的事员工已经申请了劳动仲裁 下周开庭 商会能帮我们说说情吗"),
    (
        "in_legal_proceedings",
        "我们对区市场监管局的处罚不服 已经向市政府申请了行政复议 复议机关还没答复 想问商会能不能帮着催一下",
    ),
    ("unlawful", "秘书处 我们想投一个标 能不能帮我们找几家会员一起报价 价格我们事先定好"),
    ("unlawful", "能不能帮忙把我们的合同金额写成500万 实际只有300万 银行贷款要用"),
    ("unlawful", "听说商会认识规划局的人 能不能打个招呼 让对面那家的报建批不下来"),
    ("unlawful", "请把会员企业负责人的手机号整理一份发给我 我们想推销产品"),
    ("unlawful", "我们的检测报告过期了 能不能帮我们弄一份日期改成今年的"),
    (
        "unlawful",
        "Could the chamber help us bump up the invoice amounts so our client can claim more expenses?",
    ),
    ("unfounded_or_malicious", "网上说某某物流公司要倒闭了 虽然我们没有任何凭据 请商会通知大家别跟他们合作"),
    ("unfounded_or_malicious", "有人说隔壁厂偷排污水 我们没亲眼看到 但请商会去查他们"),
    (
        "unfounded_or_malicious",
        "Someone told me that a member is selling fake goods. I have no proof, but please expel them.",
    ),
    ("out_of_scope", "我儿子在学校被同学欺负了 商会能不能帮忙找找学校领导"),
    ("out_of_scope", "我个人在网上买的手机是假货 商家不给退 商会能帮我投诉吗"),
    ("out_of_scope", "公司今年周转困难 商会能不能直接借我们50万 年底还"),
    ("out_of_scope", "Could the chamber invest in our new venture? We need about RMB 2 million."),
    # After blind batch 4: the chamber asked to put in money itself, a private purchase, a competitor accused
    # of bribery on industry talk alone, members asked to make up the numbers in a tender.
    ("out_of_scope", "我们的新生产线还缺300万 商会愿不愿意入股 分红按比例给"),
    ("out_of_scope", "我在商场自己买的冰箱坏了 售后一直推 能不能请商会帮我出面"),
    (
        "unfounded_or_malicious",
        "Our rival keeps winning tenders through bribery. I can't provide any evidence, but everyone knows it.",
    ),
    ("unlawful", "下周有个学校食堂的采购要投标 需要三家 想请商会叫两家会员来陪一下 报价我们统一安排"),
]

ADMISSIBLE = [
    "对方一直拖欠货款30万 我们已经发了律师函 如果还不付就准备起诉 想请商会先出面协调",
    "我们被客户拖欠了80万 正在考虑要不要起诉 商会能否先帮忙调解",
    "被骗了20万 去派出所报案 派出所不予立案 说是经济纠纷 商会能帮忙吗",
    "我们对这个政府采购项目的评标结果有异议 已经提交了质疑函 请商会关注",
    "我们的商标被人抢注了 别的会员也遇到同样问题 想请商会帮忙维权",
    "请问劳动仲裁一般要多久 我们有个员工说要去申请 我们想先了解一下流程",
    "听说今年的技改补贴申报开始了 请问需要哪些材料",
    "我们想做一个会员企业的通讯录 方便大家互相联系 建议商会牵头做一个",
    "请问商会能不能介绍几家愿意做担保的担保公司 我们要申请贷款",
    "银行说需要担保 请问商会有没有合作的担保机构可以对接",
    "我们公司的营业执照成立日期写错了 写成了2019年 实际是2018年 请问怎么更正",
    "对方法院判决后一直不执行 我们已经申请强制执行 但是半年没有进展",
    "The court ruled in our favour last year but the debtor still has not paid. Can the chamber press them?",
    "我们怀疑供应商以次充好 有检测报告为证 请商会帮忙协调退货",
    "朋友说商会可以帮忙对接银行 我们想申请一笔流动资金贷款",
    "竞争对手在网上说我们的产品有毒 但他们没有任何证据 这明显是诋毁 请商会帮忙",
    "同行都在说今年社保基数要上调 请问是真的吗 我们要准备多少",
    "听说有个技改补贴 我们没有任何证明材料 能申请吗",
    "我们这样申报会不会被查到有问题 请问合规吗",
    "年会讲师讲得很好 想给他表示一下心意 商会能帮忙转交吗",
    "我们被市场监管局列入了经营异常名录 黑名单 影响投标 请问怎么移出",
    "园区物业乱收费 每月多收我们2000元管理费 请商会协调",
    "隔壁邻居工厂的污水排到我们厂区 沟通无果 请商会帮忙",
    "我们如果下个月还拿不到货款 只能考虑去法院起诉了 开庭前能不能先调解",
    "客户说要去仲裁 但还没有申请 我们想先和解 商会能帮忙吗",
    "对方威胁说要起诉我们 我们想先请商会调解",
    "We are considering arbitration but have not filed anything yet. Could the chamber mediate first?",
    "我们公司去年的发票金额开错了 开高了 请问怎么红冲",
    "建议商会明年组织会员去开庭旁听 学习一下知识产权案例",
    "商会推荐的律师说我们的案子胜算很大 想问还需要准备什么",
    "A friend told me the chamber can help with export licences. What do we need to prepare?",
    "我们的员工被对方公司挖走 还带走了客户资料 有聊天记录为证 请商会协调",
    "有客户反映 我们的产品被人仿冒 请商会帮忙联系市场监管",
    "请问会员企业的联系方式 商会是否会公开 我们担心被推销电话骚扰",
    "我们想请商会出一份会员证明 证明我们是2019年入会的",
    "前年我们跟区里签的协议 实际只兑现了一半 请商会帮忙反映",
    "我老婆说我太较真 但客户拖欠的20万货款已经半年了 想请商会帮忙催一下",
    "上次投标我们陪一下客户去现场踏勘 结果被招标代理以资质不符排除在外 这合理吗",
    "商会能不能投点精力在会员培训上 建议多办几场实操课",
    "竞争对手一直靠低价抢单 我们想请商会介绍几家做跨境物流的会员 拓展新渠道",
]


@pytest.mark.parametrize(("reason", "text"), DECLINED)
def test_general_decline_signals_catch_new_wording(rules: RulesEngine, reason: str, text: str) -> None:
    assert rules.propose_now(ticket(text)).decline_reason == reason


@pytest.mark.parametrize("text", ADMISSIBLE)
def test_near_misses_stay_admissible(rules: RulesEngine, text: str) -> None:
    p = rules.propose_now(ticket(text))
    assert p.admissible, p.signals
