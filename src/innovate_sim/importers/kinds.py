"""Which Terraform resource types the importer reads, and which it knows to have no effect.

Every managed resource of a plan falls in exactly one group:

* **mapped** — read into the scenario (:data:`MAPPED`);
* **recognised, not modelled** — real AWS resources the scenario language has
  no field for; listed in the import notes with what that leaves out of the bill
  (:data:`NOT_MODELLED`);
* **structural** — wiring with no cost or availability effect in the model
  (subnets, security groups, IAM, listeners …; :data:`STRUCTURAL`), counted in
  the notes;
* **unknown** — anything else: the import stops and lists them, unless the
  usage file names them under ``ignore:`` (then they are listed as ignored).
"""

from __future__ import annotations

__all__ = ["MAPPED", "NOT_MODELLED", "STRUCTURAL", "classify"]

MAPPED: frozenset[str] = frozenset(
    {
        "aws_vpc",
        "aws_subnet",
        "aws_nat_gateway",
        "aws_route_table",
        "aws_route",
        "aws_vpc_endpoint",
        "aws_lb",
        "aws_alb",
        "aws_wafv2_web_acl",
        "aws_eks_cluster",
        "aws_eks_node_group",
        "kubernetes_manifest",
        "helm_release",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_ecr_repository",
        "aws_backup_plan",
        "aws_cloudwatch_log_group",
        "aws_s3_bucket",
    }
)

#: Recognised resources without a field in the scenario language, and what that omits.
NOT_MODELLED: dict[str, str] = {
    "aws_kms_key": (
        "KMS keys and requests are billed from the usage file's `encryption:` block "
        "(key count and requests; package defaults if the block is empty)"
    ),
    "aws_backup_vault": (
        "the vault is billed from the usage file's `database.backups.aws_backup:` block"
    ),
    "aws_backup_selection": "read as part of the backup plan; no cost of its own",
    "aws_ecr_lifecycle_policy": "no cost of its own",
    "aws_sqs_queue": "the Karpenter interruption queue's requests are not billed (pennies)",
    "aws_cloudwatch_event_rule": "EventBridge rules feeding the interruption queue are free",
    "aws_cloudwatch_event_target": "no cost of its own",
    "aws_flow_log": "VPC flow log delivery is not billed",
}

STRUCTURAL: frozenset[str] = frozenset(
    {
        "aws_internet_gateway",
        "aws_egress_only_internet_gateway",
        "aws_eip",
        "aws_route_table_association",
        "aws_main_route_table_association",
        "aws_vpc_endpoint_route_table_association",
        "aws_vpc_endpoint_subnet_association",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
        "aws_network_acl",
        "aws_network_acl_rule",
        "aws_default_network_acl",
        "aws_default_security_group",
        "aws_default_route_table",
        "aws_db_subnet_group",
        "aws_db_parameter_group",
        "aws_db_option_group",
        "aws_rds_cluster_parameter_group",
        "aws_lb_listener",
        "aws_lb_listener_rule",
        "aws_lb_listener_certificate",
        "aws_lb_target_group",
        "aws_lb_target_group_attachment",
        "aws_wafv2_web_acl_association",
        "aws_wafv2_ip_set",
        "aws_acm_certificate",
        "aws_acm_certificate_validation",
        "aws_route53_record",
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_instance_profile",
        "aws_iam_openid_connect_provider",
        "aws_iam_service_linked_role",
        "aws_eks_addon",
        "aws_eks_access_entry",
        "aws_eks_access_policy_association",
        "aws_eks_pod_identity_association",
        "aws_launch_template",
        "aws_kms_alias",
        "aws_kms_grant",
        "aws_ecr_repository_policy",
        "aws_sqs_queue_policy",
        "aws_s3_bucket_versioning",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_lifecycle_configuration",
        "kubernetes_namespace",
        "kubernetes_namespace_v1",
        "kubernetes_service_account",
        "kubernetes_service_account_v1",
        "kubernetes_config_map",
        "kubernetes_config_map_v1",
        "random_id",
        "random_password",
        "random_string",
        "tls_private_key",
        "null_resource",
        "terraform_data",
        "time_sleep",
    }
)


def classify(resource_type: str) -> str:
    """``"mapped"``, ``"not-modelled"``, ``"structural"`` or ``"unknown"``."""
    if resource_type in MAPPED:
        return "mapped"
    if resource_type in NOT_MODELLED:
        return "not-modelled"
    if resource_type in STRUCTURAL:
        return "structural"
    return "unknown"
