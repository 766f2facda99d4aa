/*
 * The list of route tables the router tries, in order.
 */
#include "api.h"

const struct route *const api_tables[] = {
	api_system_routes,
	api_account_routes,
	api_audit_routes,
	api_registry_routes,
	api_inspection_routes,
	api_inspection_dir_routes,
	api_files_routes,
	api_risk_routes,
	api_notice_routes,
	api_hazard_routes,
	api_patrol_routes,
	api_ecert_routes,
	api_permit_routes,
	api_iot_routes,
	api_enforce_pub_routes,	/* before api_enforce_routes: /cases/flags */
	api_payment_routes,
	api_enforce_routes,
	api_enforce_flow_routes,
	NULL,
};
