# The seed design's production environment (seed/architecture.md, scenarios/prod.yaml) in
# Terraform: one VPC over three AZs with public, private and isolated subnets and a NAT
# Gateway per AZ; gateway and interface VPC endpoints; an ALB behind AWS WAF; an EKS cluster
# with an on-demand Graviton managed node group as baseline and Karpenter on top
# (karpenter.tf); RDS for PostgreSQL 16 Multi-AZ with 7-day backups, PITR and a monthly
# AWS Backup plan; KMS encryption.
#
# `innovate-sim import terraform prod.plan.json` reads the plan of this configuration;
# usage.yaml adds what a plan cannot say (demand, workloads, traffic, data sizes).

terraform {
  required_version = ">= 1.6"
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.60" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = { Environment = var.environment, ManagedBy = "terraform" }
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "azs" {
  type    = list(string)
  default = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

variable "gateway_endpoints" {
  type    = list(string)
  default = ["s3", "dynamodb"]
}

variable "interface_endpoints" {
  type    = list(string)
  default = ["ecr.api", "ecr.dkr", "sts", "logs"]
}

# ---------------------------------------------------------------- network

resource "aws_vpc" "main" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  enable_dns_support   = true
  tags                 = { Name = "${var.environment}-vpc", Environment = var.environment }
}

resource "aws_subnet" "public" {
  count                   = length(var.azs)
  vpc_id                  = aws_vpc.main.id
  availability_zone       = var.azs[count.index]
  cidr_block              = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
  map_public_ip_on_launch = true
  tags                    = { Name = "${var.environment}-public-${var.azs[count.index]}", "kubernetes.io/role/elb" = "1" }
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  availability_zone = var.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, count.index + 1)
  tags = {
    Name                              = "${var.environment}-private-${var.azs[count.index]}"
    "kubernetes.io/role/internal-elb" = "1"
    "karpenter.sh/discovery"          = "${var.environment}-eks"
  }
}

resource "aws_subnet" "isolated" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  availability_zone = var.azs[count.index]
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, 200 + count.index)
  tags              = { Name = "${var.environment}-isolated-${var.azs[count.index]}" }
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_eip" "nat" {
  count  = length(var.azs)
  domain = "vpc"
}

# One NAT Gateway per AZ (seed §2): an AZ outage takes only its own egress down.
resource "aws_nat_gateway" "per_az" {
  count         = length(var.azs)
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
  tags          = { Name = "${var.environment}-nat-${var.azs[count.index]}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table" "private" {
  count  = length(var.azs)
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.per_az[count.index].id
  }
}

# Isolated subnets (databases) have no route to the internet.
resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "public" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "private" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

resource "aws_route_table_association" "isolated" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.isolated[count.index].id
  route_table_id = aws_route_table.isolated.id
}

resource "aws_vpc_endpoint" "gateway" {
  count             = length(var.gateway_endpoints)
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.${var.region}.${var.gateway_endpoints[count.index]}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = aws_route_table.private[*].id
}

resource "aws_security_group" "endpoints" {
  name   = "${var.environment}-vpc-endpoints"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_vpc_endpoint" "interface" {
  count               = length(var.interface_endpoints)
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${var.region}.${var.interface_endpoints[count.index]}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
}

# ---------------------------------------------------------------- ingress

resource "aws_security_group" "alb" {
  name   = "${var.environment}-alb"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_lb" "ingress" {
  name               = "${var.environment}-ingress"
  load_balancer_type = "application"
  internal           = false
  subnets            = aws_subnet.public[*].id
  security_groups    = [aws_security_group.alb.id]
}

resource "aws_lb_target_group" "api" {
  name        = "${var.environment}-api"
  port        = 8080
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_vpc.main.id
  health_check {
    path     = "/healthz"
    interval = 10
  }
}

locals {
  # Ten custom rules: per-path rate limits (requests per 5 minutes per client IP).
  rate_limited_paths = {
    "login" = 100, "signup" = 50, "password-reset" = 20, "search" = 2000, "checkout" = 300,
    "api-v1" = 5000, "api-v2" = 5000, "graphql" = 3000, "upload" = 200, "export" = 50
  }
}

resource "aws_wafv2_web_acl" "ingress" {
  name  = "${var.environment}-ingress"
  scope = "REGIONAL"
  default_action {
    allow {}
  }

  rule {
    name     = "aws-common"
    priority = 1
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 2
    override_action {
      none {}
    }
    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }
    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "aws-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.rate_limited_paths
    content {
      name     = "rate-${rule.key}"
      priority = 10 + index(keys(local.rate_limited_paths), rule.key)
      action {
        block {}
      }
      statement {
        rate_based_statement {
          limit              = rule.value
          aggregate_key_type = "IP"
          scope_down_statement {
            byte_match_statement {
              search_string         = "/${rule.key}"
              positional_constraint = "STARTS_WITH"
              field_to_match {
                uri_path {}
              }
              text_transformation {
                priority = 0
                type     = "LOWERCASE"
              }
            }
          }
        }
      }
      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "rate-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.environment}-ingress"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "ingress" {
  resource_arn = aws_lb.ingress.arn
  web_acl_arn  = aws_wafv2_web_acl.ingress.arn
}

# ---------------------------------------------------------------- EKS

data "aws_iam_policy_document" "eks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.environment}-eks-cluster"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_iam_role" "node" {
  name               = "${var.environment}-eks-node"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
    "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
    "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  ])
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

resource "aws_kms_key" "main" {
  description         = "${var.environment} EKS secrets, RDS storage and backups"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "eks" {
  name              = "/aws/eks/${var.environment}-eks/cluster"
  retention_in_days = 30
}

resource "aws_eks_cluster" "main" {
  name     = "${var.environment}-eks"
  version  = "1.34"
  role_arn = aws_iam_role.cluster.arn
  vpc_config {
    subnet_ids = aws_subnet.private[*].id
  }
  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.main.arn
    }
  }
  enabled_cluster_log_types = ["api", "audit"]
  depends_on                = [aws_cloudwatch_log_group.eks, aws_iam_role_policy_attachment.cluster]
}

# The on-demand Graviton baseline (seed §3): three nodes, one per AZ; Karpenter scales on top.
resource "aws_eks_node_group" "baseline" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "baseline"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.private[*].id
  ami_type        = "AL2023_ARM_64_STANDARD"
  capacity_type   = "ON_DEMAND"
  instance_types  = ["m7g.large"]
  disk_size       = 20
  scaling_config {
    desired_size = 3
    min_size     = 3
    max_size     = 6
  }
  depends_on = [aws_iam_role_policy_attachment.node]
}

# ---------------------------------------------------------------- RDS

resource "aws_db_subnet_group" "main" {
  name       = "${var.environment}-db"
  subnet_ids = aws_subnet.isolated[*].id
}

resource "aws_security_group" "db" {
  name   = "${var.environment}-db"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = [for s in aws_subnet.private : s.cidr_block]
  }
}

resource "aws_db_instance" "main" {
  identifier                  = "${var.environment}-postgres"
  engine                      = "postgres"
  engine_version              = "16"
  instance_class              = "db.m6g.large"
  multi_az                    = true
  availability_zone           = null # Multi-AZ: RDS places primary and standby
  allocated_storage           = 200
  storage_type                = "gp3"
  storage_encrypted           = true
  kms_key_id                  = aws_kms_key.main.arn
  db_subnet_group_name        = aws_db_subnet_group.main.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  username                    = "app"
  manage_master_user_password = true
  backup_retention_period     = 7
  backup_window               = "03:00-04:00"
  maintenance_window          = "sun:04:30-sun:05:30"
  deletion_protection         = true
  skip_final_snapshot         = false
  final_snapshot_identifier   = "${var.environment}-postgres-final"
}

# Monthly snapshot for disaster recovery (seed §4: "Snapshot exports to S3 via AWS Backup").
resource "aws_backup_vault" "dr" {
  name        = "${var.environment}-dr"
  kms_key_arn = aws_kms_key.main.arn
}

resource "aws_backup_plan" "dr" {
  name = "${var.environment}-monthly-dr"
  rule {
    rule_name         = "monthly"
    target_vault_name = aws_backup_vault.dr.name
    schedule          = "cron(0 5 1 * ? *)"
    lifecycle {
      delete_after = 365
    }
  }
}

resource "aws_iam_role" "backup" {
  name = "${var.environment}-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "backup.amazonaws.com" }
    }]
  })
}

resource "aws_backup_selection" "db" {
  name         = "${var.environment}-postgres"
  plan_id      = aws_backup_plan.dr.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = [aws_db_instance.main.arn]
}

resource "aws_s3_bucket" "exports" {
  bucket = "innovate-${var.environment}-rds-exports"
}
