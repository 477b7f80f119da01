/**
 * The error catalogue (issue 19): every stable machine code a problem+json answer of the API can carry,
 * its HTTP status, a Chinese and an English title and a default detail in both languages.
 *
 * Plain data, one place: the handlers build every problem from it (functions/_shared/problem.ts), the API
 * serves it (`GET /errors`, `GET /errors/{code}`: a problem's `type` resolves to its entry), and
 * `docs/errors.md` is generated from it (`npm run docs:errors`, a test fails when it drifts). Clients match
 * on `code`; the detail of a given answer may name the fields, values or case at hand. A code is never
 * renamed or removed once released (it is part of the contract); new ones may be added.
 *
 * The case lifecycle's refusals (core/case-lifecycle.ts `REFUSALS`) are codes here under the same name.
 */
export interface ErrorCodeEntry {
  readonly status: number;
  /** Short title (simplified Chinese): the problem's `title`. */
  readonly title: string;
  readonly titleEn: string;
  /** The detail when the answer has nothing more precise to say (simplified Chinese). */
  readonly detail: string;
  readonly detailEn: string;
}

const entry = (status: number, title: string, titleEn: string, detail: string, detailEn: string): ErrorCodeEntry => ({
  status,
  title,
  titleEn,
  detail,
  detailEn,
});

export const ERROR_CODES = {
  // 400
  VALIDATION_FAILED: entry(
    400,
    '请求参数无效',
    'Validation failed',
    '请求未通过校验：请按 errors 中列出的字段逐一修改后重试。',
    'The request is not valid: fix each field listed in errors and retry.',
  ),
  MALFORMED_JSON: entry(400, 'JSON 格式错误', 'Malformed JSON', '请求体不是有效的 JSON。', 'The body is not valid JSON.'),
  // 401
  UNAUTHENTICATED: entry(
    401,
    '未认证',
    'Not authenticated',
    '需要有效的访问令牌：请在 Authorization 头中携带 Bearer 令牌。',
    'A valid bearer token is required (Authorization: Bearer <token>).',
  ),
  TOKEN_EXPIRED: entry(401, '令牌已过期', 'Token expired', '访问令牌已过期：请重新获取令牌后重试。', 'The token has expired: get a new one and retry.'),
  // 403
  FORBIDDEN_ROLE: entry(403, '无权操作', 'Role not allowed', '当前角色无权执行此操作。', 'Your role may not do this.'),
  TOKEN_NOT_ACCEPTED: entry(403, '令牌被拒绝', 'Token refused', '认证服务拒绝了此令牌。', 'The authorizer refused this token.'),
  CLAIMS_INCOMPLETE: entry(
    403,
    '令牌声明不完整',
    'Incomplete token claims',
    '令牌缺少必要的身份声明（角色、平台或劳动者标识）。',
    'The token lacks a needed claim (role, platform or worker).',
  ),
  CLIENT_NOT_REGISTERED: entry(
    403,
    '客户端未登记',
    'Client not registered',
    '此应用客户端未登记到任何平台。',
    'This app client is not registered to a platform.',
  ),
  APPLICANT_TYPE_NOT_ALLOWED: entry(
    403,
    '申请人类型不符',
    'Applicant type not allowed',
    '当前角色不能以此申请人类型提出申请（D6）。',
    'Your role may not apply as this applicant type (D6).',
  ),
  MAKER_CHECKER: entry(
    403,
    '经办与审核须分离',
    'Maker-checker',
    '审核人员不能审批自己做过变更的案件（D14）。',
    'Maker-checker (D14): the reviewer made a change to this case.',
  ),
  NOT_UPLOADER: entry(403, '非上传者', 'Not the uploader', '平台只能撤回本平台上传的材料。', 'A platform may withdraw only the documents it uploaded.'),
  DOWNLOAD_NOT_ALLOWED: entry(
    403,
    '无权下载',
    'Download not allowed',
    '平台只能下载本平台上传的材料。',
    'A platform downloads only the documents it uploaded.',
  ),
  CERTIFICATION_NOT_OWN: entry(403, '只能本人认证', 'Own certification only', '劳动者只能为本人进行待遇资格认证。', 'A worker certifies only themself.'),
  // 404
  NOT_FOUND: entry(404, '未找到', 'Not found', '资源不存在，或当前调用方无权查看。', 'Unknown, or not visible to the caller.'),
  ROUTE_NOT_FOUND: entry(404, '接口不存在', 'No such route', '没有与此方法和路径匹配的接口。', 'No route matches this method and path.'),
  // 405
  METHOD_NOT_ALLOWED: entry(
    405,
    '方法不允许',
    'Method not allowed',
    '此路径不接受该 HTTP 方法，见 Allow 头。',
    'This path does not accept the method; see Allow.',
  ),
  // 409
  VERSION_CONFLICT: entry(
    409,
    '数据已被修改',
    'Changed meanwhile',
    '数据在此期间已被其他请求修改：请重新读取后重试。',
    'Another request changed it meanwhile: read it again and retry.',
  ),
  DELIVERY_PENDING: entry(
    409,
    '投递尚未结束',
    'Delivery still pending',
    '此投递仍在按计划重试：结束（成功或失败）后才能重新投递。',
    'This delivery is still being retried on its schedule: redeliver it once it has succeeded or failed.',
  ),
  MONTH_CLOSED: entry(
    409,
    '该月已结算关账',
    'Month closed',
    '该月账单已关账（D19）：不再接收该月的新订单；如因故障需要补报，请联系管理员重新开放该月。',
    "The month's bill is closed (D19): new orders for it are not accepted; an administrator may reopen it for late orders.",
  ),
  MONTH_NOT_CLOSED: entry(409, '该月未关账', 'Month not closed', '只有已关账（CLOSED）的月份可以重新开放。', 'Only a CLOSED month can be reopened.'),
  MONTH_ARCHIVED: entry(
    409,
    '该月订单已归档',
    'Month archived',
    '该月订单明细已过在线保留期并转入归档，无法再识别重复订单，因此不能重新开放该月补报。',
    "The month's order details are past their hot retention and archived: re-sent orders could no longer be recognised as duplicates, so the month cannot be reopened.",
  ),
  MONTH_NOT_REOPENED: entry(
    409,
    '该月未重新开放',
    'Month not reopened',
    '只有已重新开放（REOPENED）的月份可以再次关账。',
    'Only a REOPENED month can be closed again.',
  ),
  CASE_ALREADY_OPENED: entry(409, '案件已存在', 'Case already opened', '此伤害报告已有案件。', 'This report already has a case.'),
  PARAMETER_VERSION_EXISTS: entry(
    409,
    '参数版本已存在',
    'Parameter version exists',
    '该参数版本（名称、范围、生效日期）已以其他取值存在；参数版本不可修改。',
    'This version (name, scope, effectiveFrom) exists with another value; versions are never edited.',
  ),
  PLATFORM_ALREADY_REGISTERED: entry(
    409,
    '平台已登记',
    'Platform already registered',
    '已有平台以此统一社会信用代码登记。',
    'A platform with this credit code is already registered.',
  ),
  ALREADY_ENROLLED: entry(409, '已加入该省', 'Already enrolled', '平台已加入该省份的试点。', 'The platform is already enrolled in this province.'),
  PAYMENT_RUN_MONTH_MISMATCH: entry(
    409,
    '支付批次月份不符',
    'Payment run for another month',
    '此支付批次编号已用于另一个月份。',
    'This run id exists for another month.',
  ),
  IDEMPOTENCY_IN_PROGRESS: entry(
    409,
    '幂等请求处理中',
    'Idempotent request in progress',
    '使用此 Idempotency-Key 的请求仍在处理中：请稍后重试。',
    'A request with this Idempotency-Key is still in progress; retry shortly.',
  ),
  STEP_PENDING: entry(
    409,
    '上一步骤处理中',
    'Step pending',
    '案件流程仍在处理上一步骤：请稍后重试。',
    'The case workflow is still applying the previous step; retry in a moment.',
  ),
  STEP_NOT_ACCEPTED: entry(409, '当前状态不接受此步骤', 'Step not accepted', '案件当前状态不接受此步骤。', 'The case status does not accept this step.'),
  ALREADY_SUSPENDED: entry(409, '已中止计时', 'Already suspended', '认定时限已经中止。', 'The confirmation clock is already suspended.'),
  NOT_SUSPENDED: entry(409, '未中止计时', 'Not suspended', '认定时限未中止，无须恢复。', 'The confirmation clock is not suspended.'),
  ALREADY_EXTENDED: entry(
    409,
    '已延长期限',
    'Already extended',
    '鉴定期限已延长过一次（D8：只能延长一次）。',
    'The assessment deadline has already been extended (D8: once).',
  ),
  NOTHING_PENDING: entry(409, '无待处理步骤', 'Nothing pending', '案件没有待处理的已记录步骤。', 'The case has no recorded step to apply.'),
  ALREADY_WAIVED: entry(409, '已免交', 'Already waived', '该材料已免于提交。', 'This document type is already waived.'),
  ALREADY_WITHDRAWN: entry(409, '已撤回', 'Already withdrawn', '该材料已撤回。', 'This document is already withdrawn.'),
  DOCUMENT_NOT_AVAILABLE: entry(
    409,
    '材料不可下载',
    'Document not available',
    '该材料当前状态不是 AVAILABLE，不能下载。',
    'The document is not AVAILABLE; its content cannot be downloaded.',
  ),
  CALCULATION_STALE: entry(
    409,
    '核定结果已更新',
    'Calculation changed',
    '待遇核定在您查看后已更新：请重新查看核定结果后再审批（D14）。',
    'The calculation changed since it was seen: look again before approving (D14).',
  ),
  NO_PAYEE_CHANGE_PENDING: entry(
    409,
    '无待确认的收款人变更',
    'No payee change pending',
    '本案没有待确认的收款人变更。',
    'No payee change is waiting for confirmation.',
  ),
  LIFE_EVENT_RECORDED: entry(409, '已登记', 'Life event recorded', '该生存状况事件已登记。', 'This life event is already recorded.'),
  NO_DECISION_TO_APPEAL: entry(
    409,
    '无可申诉的决定',
    'No decision to appeal',
    '本案尚无该类决定（认定、鉴定或待遇核定），不能对其申请复议或提起诉讼（D17）。',
    'The case has no decision of this kind to appeal (D17).',
  ),
  APPEAL_OPEN: entry(
    409,
    '已有未决申诉',
    'Appeal open',
    '本案对该类决定已有尚无结果的复议或诉讼：每案每类决定同时只能有一件（D17）。',
    'An appeal against this kind of decision is still open: one per case and kind (D17).',
  ),
  APPEAL_DECIDED: entry(409, '申诉已有结果', 'Appeal decided', '该复议或诉讼已登记结果。', 'This appeal already has a result.'),
  ASSISTANCE_ANSWERED: entry(409, '协查已答复', 'Assistance answered', '该协查请求已经答复。', 'This assistance request is already answered.'),
  BATCH_RESULTS_CONFLICT: entry(
    409,
    '批次结果冲突',
    'Batch results conflict',
    '支付结果在此期间已被其他请求修改：请重新读取批次后重试。',
    'The batch changed meanwhile: read it again and retry.',
  ),
  BATCH_NOT_READY: entry(
    409,
    '批次仍在组批中',
    'Batch not ready',
    '批次仍在组批中（ASSEMBLING）：请再次提交该省的组批请求完成组批后重试（D15）。',
    'The batch is still ASSEMBLING: POST the province batch again to finish it, then retry (D15).',
  ),
  // 413, 415
  BODY_TOO_LARGE: entry(413, '请求体过大', 'Content too large', '请求体超过 1 MiB 的上限。', 'The body is over the 1 MiB limit.'),
  UNSUPPORTED_MEDIA_TYPE: entry(
    415,
    '不支持的内容类型',
    'Unsupported media type',
    '只接受 application/json：请设置 Content-Type: application/json。',
    'Only application/json is accepted: send Content-Type: application/json.',
  ),
  // 422
  IDEMPOTENCY_KEY_REUSED: entry(
    422,
    '幂等键重复使用',
    'Idempotency-Key reused',
    '此 Idempotency-Key 已用于另一个不同的请求体：请为新请求使用新的键。',
    'This Idempotency-Key was already used with a different request body: use a new key for a new request.',
  ),
  MISSING_RATE: entry(
    422,
    '缺少费率',
    'Missing rate',
    '本月部分（省份、行业）未配置缴费费率（D5），系统不会自行推定。',
    'No contribution rate is configured for some (province, industry) of this month (D5); none is invented.',
  ),
  COVERAGE_PARAMETERS_MISSING: entry(
    422,
    '缺少保障时段参数',
    'Coverage parameters missing',
    '该日期未配置保障时段参数（D4）。',
    'The coverage window parameters (D4) are not configured for this date.',
  ),
  PAYMENT_RUN_MONTH_NOT_OPEN: entry(
    422,
    '支付月份不可用',
    'Payment run month not open',
    '支付批次只能针对本月或下月。',
    'A payment run is for the current month or the next one.',
  ),
  PROVINCE_LISTED_TWICE: entry(422, '省份重复', 'Province listed twice', '同一省份被列出两次。', 'A province is listed twice.'),
  PROVINCE_BEFORE_PILOT: entry(
    422,
    '早于试点开始',
    'Before the pilot',
    '加入省份的日期早于该省试点开始日期。',
    'A province is joined before its pilot started.',
  ),
  LATE_EXPLANATION_REQUIRED: entry(
    422,
    '须说明逾期原因',
    'Late explanation required',
    '申请期限已过（D6）：须提交书面说明（lateExplanation）。',
    'The application deadline has passed (D6): a written explanation is required.',
  ),
  OUTSIDE_ASSESSMENT_WINDOW: entry(
    422,
    '不在鉴定受理期内',
    'Outside the assessment window',
    '现在不受理此类鉴定申请（D8）。',
    'This kind of assessment is not accepted now (D8).',
  ),
  BENEFITS_NOT_CALCULABLE: entry(
    422,
    '待遇无法计算',
    'Benefits not calculable',
    '缺少计算待遇所需的参数或数据。',
    'A parameter or input the benefits need is missing.',
  ),
  DOCUMENTS_MISSING: entry(
    422,
    '缺少材料',
    'Documents missing',
    '确认前须提交所列材料（D13），或由经办人员免于提交。',
    'The listed documents are required before a confirmation (D13), or a handler waives them.',
  ),
  WAIVER_NOT_APPLICABLE: entry(
    422,
    '无须免交',
    'Waiver not applicable',
    '该材料在本环节不是必需材料，或已提交，无须免交。',
    'The document type is not required at this step, or is already handed in.',
  ),
  CASE_TOO_LARGE: entry(
    422,
    '案件记录已达容量上限',
    'Case record too large',
    '本次登记会使案件记录超出存储容量上限，未予登记：请合并费用明细、缩短说明文字后重试，或联系管理员。',
    'Recording this would make the case record exceed its storage cap; nothing was recorded. Merge expense lines or shorten descriptions and retry.',
  ),
  PAYEE_REQUIRED: entry(422, '未设定收款人', 'Payee required', '本案尚未设定收款人：请经办人员先设定收款人（D14）。', 'The case has no payee yet (D14).'),
  PAYEE_NOT_BENEFICIARY: entry(
    422,
    '收款人不是待遇享受人',
    'Payee is not the beneficiary',
    '收款人须为待遇享受人本人（D14）。',
    'The payee must be the beneficiary (D14).',
  ),
  PAYEE_DOCUMENT_INVALID: entry(
    422,
    '缺少银行账户证明',
    'Bank account proof required',
    '变更收款人须附本案已通过校验的银行账户证明（BANK_ACCOUNT_PROOF）（D14）。',
    'A payee change needs an AVAILABLE BANK_ACCOUNT_PROOF document of this case (D14).',
  ),
  LIFE_EVENT_INVALID: entry(
    422,
    '生存状况事件不成立',
    'Life event does not apply',
    '该生存状况事件不适用于本案（D16）。',
    'The life event does not apply to this case (D16).',
  ),
  NOT_MONTHLY_RECIPIENT: entry(
    422,
    '非按月待遇领取人',
    'Not a monthly recipient',
    '此人不领取按月待遇，无须资格认证（D16）。',
    'This person receives no monthly item (D16).',
  ),
  DIED_AT_NOT_DEEMABLE: entry(
    422,
    '死亡时间超出 48 小时',
    'Death outside 48 hours',
    '突发疾病死亡须在发病后 48 小时内方可视同（D7、D16）。',
    'A sudden-illness death is deemed only within 48 hours of the onset (D7, D16).',
  ),
  NO_INSTRUCTED_PAYMENTS: entry(
    422,
    '没有待发送的支付',
    'No instructed payments',
    '该省没有待发送银行的支付指令。',
    'The province has no instructed payment to send.',
  ),
  BATCH_EMPTY: entry(
    422,
    '批次无需银行支付',
    'Nothing for the bank',
    '批次的支付已全部由追回款抵扣结清，没有需要银行支付的明细，因此没有银行文件（D15）。',
    'Every payment of the batch was settled by offsetting recoveries: nothing for the bank to pay, so no bank file (D15).',
  ),
  PAYING_ACCOUNT_MISSING: entry(
    422,
    '未配置付款账户',
    'Paying account missing',
    '该省未配置付款账户，不能生成银行批次：请运维人员在部署配置（payingAccounts）中补充（D15）。',
    'No paying account is configured for the province, so no bank batch can be made (stage configuration payingAccounts; D15).',
  ),
  // 429
  RATE_LIMITED: entry(
    429,
    '请求过于频繁',
    'Too many requests',
    '请求频率超过上限：请在 Retry-After 指定的秒数后重试。',
    'Over the request-rate limit: retry after Retry-After seconds.',
  ),
  // 5xx
  INTERNAL_ERROR: entry(500, '内部错误', 'Internal error', '服务内部出错，可稍后重试此请求。', 'An internal error occurred; the request may be retried.'),
  SERVICE_UNAVAILABLE: entry(503, '服务暂不可用', 'Service unavailable', '服务未能及时响应：请稍后重试。', 'The service did not answer in time; retry later.'),
} as const satisfies Readonly<Record<string, ErrorCodeEntry>>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The path of a code's catalogue entry on the API (the problem's `type`, relative to the API's origin). */
export const errorTypePath = (code: ErrorCode): string => `/errors/${code}`;

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** docs/errors.md, generated from the catalogue (`npm run docs:errors`; a unit test fails when it drifts). */
export function renderErrorsDoc(): string {
  const codes = Object.entries(ERROR_CODES) as [ErrorCode, ErrorCodeEntry][];
  const rows = codes
    .sort(([a, x], [b, y]) => x.status - y.status || a.localeCompare(b))
    .map(([code, e]) => `| \`${code}\` | ${e.status} | ${cell(e.title)} | ${cell(e.titleEn)} | ${cell(e.detail)} | ${cell(e.detailEn)} |`);
  return `# 错误码目录 · Error catalogue

<!-- Generated from core/error-codes.ts by \`npm run docs:errors\`: do not edit by hand. -->

每个错误答复都是 \`application/problem+json\`（RFC 9457），带一个稳定的机器码 \`code\`。客户端应按 \`code\`
判断错误，不要解析 \`detail\` 的文字。

Every error answer is \`application/problem+json\` (RFC 9457) with a stable machine code, \`code\`. Clients
branch on \`code\`, never on the wording of \`detail\`.

\`\`\`json
{
  "type": "https://<API 域名>/errors/VALIDATION_FAILED",
  "code": "VALIDATION_FAILED",
  "title": "请求参数无效",
  "title_en": "Validation failed",
  "status": 400,
  "detail": "请求未通过校验：请按 errors 中列出的字段逐一修改后重试。",
  "detail_en": "The request is not valid: fix each field listed in errors and retry.",
  "errors": [{ "path": "workers.3.idNumber", "message": "身份证号码无效：校验码不符。" }]
}
\`\`\`

| field | meaning |
|---|---|
| \`code\` | stable machine code from the table below; never renamed or removed once released, new ones may be added |
| \`type\` | the URI of the code's entry: \`GET /errors/{code}\` on the API that answered (public, JSON); \`GET /errors\` lists them all |
| \`title\`, \`title_en\` | the code's title in simplified Chinese and in English |
| \`detail\` | what went wrong in this request, in simplified Chinese (the catalogue's default detail when there is nothing more precise to say) |
| \`detail_en\` | the same in English: always present, so a replayed \`Idempotency-Key\` answer and a cached one read the same whatever the caller's language (no \`Accept-Language\` negotiation) |
| \`errors[]\` | one entry per bad field: \`path\` relative to the request body (\`orders.3.acceptedAt\`, or a header name such as \`Idempotency-Key\`), \`message\` in simplified Chinese saying what to fix |

The case lifecycle's refusals (\`core/case-lifecycle.ts\` \`REFUSALS\`) are codes here under the same name.
Answers of API Gateway itself that no function produces (a missing \`Authorization\` header, the stage's
throttle, an authorizer refusal) cannot be problem+json on an HTTP API: see \`docs/security.md\` (Error
answers of the gateway).

| code | status | 标题 | title | 默认说明 | default detail |
|---|---|---|---|---|---|
${rows.join('\n')}
`;
}
