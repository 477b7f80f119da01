/**
 * The local stack's paying accounts (D15: stage configuration `payingAccounts` in AWS, the
 * `PAYING_ACCOUNTS` setting of the payment-batches function): one made-up account per pilot province
 * (core/provinces.ts), so that `npm start` makes bank files for every province a local case can be in.
 * Names, accounts and CNAPS codes are hypothetical: ICBC (bank code 102), the province code in the
 * account and the branch digits.
 */
import { PILOT_PROVINCES } from '../core/index.ts';

export const LOCAL_PAYING_ACCOUNTS: Readonly<Record<string, { name: string; account: string; bankName: string; bankCode: string }>> = Object.fromEntries(
  PILOT_PROVINCES.map((p, i) => [
    p.code,
    {
      name: `${p.name}职业伤害保障基金支出户（本地测试）`,
      account: `0200${p.code}${String(i + 1).padStart(8, '0')}`,
      bankName: `中国工商银行${p.name}分行营业部`,
      bankCode: `102${p.code.slice(0, 4)}${String(i + 1).padStart(5, '0')}`,
    },
  ]),
);
