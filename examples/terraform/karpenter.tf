# Karpenter's AWS side: the Spot-interruption queue and the EventBridge rules that feed it.
# The controller and its NodePool are in karpenter_nodepools.tf (Helm and Kubernetes providers).

resource "aws_sqs_queue" "karpenter" {
  name                      = "${var.environment}-karpenter"
  message_retention_seconds = 300
  sqs_managed_sse_enabled   = true
}

resource "aws_cloudwatch_event_rule" "karpenter" {
  for_each = {
    spot-interruption = { source = ["aws.ec2"], detail-type = ["EC2 Spot Instance Interruption Warning"] }
    rebalance         = { source = ["aws.ec2"], detail-type = ["EC2 Instance Rebalance Recommendation"] }
    state-change      = { source = ["aws.ec2"], detail-type = ["EC2 Instance State-change Notification"] }
    health            = { source = ["aws.health"], detail-type = ["AWS Health Event"] }
  }
  name          = "${var.environment}-karpenter-${each.key}"
  event_pattern = jsonencode(each.value)
}

resource "aws_cloudwatch_event_target" "karpenter" {
  for_each = aws_cloudwatch_event_rule.karpenter
  rule     = each.value.name
  arn      = aws_sqs_queue.karpenter.arn
}
