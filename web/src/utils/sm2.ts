/* SM2 verification from sm-crypto, loaded only by the audit page. */
import smCrypto from 'sm-crypto'

export const doVerifySignature = smCrypto.sm2.doVerifySignature
