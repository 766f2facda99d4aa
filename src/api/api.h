/*
 * The route tables of every module, in the order the router tries them,
 * and the table of auditable record types used by `audit verify --deep`.
 */
#ifndef FW_API_H
#define FW_API_H

#include "../http/route.h"

extern const struct route	api_system_routes[];
extern const struct route	api_account_routes[];
extern const struct route	api_audit_routes[];
extern const struct route	api_registry_routes[];
extern const struct route	api_inspection_routes[];
extern const struct route	api_inspection_dir_routes[];
extern const struct route	api_files_routes[];
extern const struct route	api_risk_routes[];
extern const struct route	api_notice_routes[];
extern const struct route	api_hazard_routes[];
extern const struct route	api_patrol_routes[];
extern const struct route	api_ecert_routes[];
extern const struct route	api_permit_routes[];
extern const struct route	api_iot_routes[];
extern const struct route	api_enforce_routes[];
extern const struct route	api_enforce_pub_routes[];
extern const struct route	api_payment_routes[];
extern const struct route	api_enforce_flow_routes[];

/* NULL-terminated list of the tables above. */
extern const struct route *const	api_tables[];

#endif
