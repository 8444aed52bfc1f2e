# The Karpenter controller (Helm) and the prod NodePool (seed §3: Graviton, on-demand only in
# production). Needs the helm and kubernetes providers configured against the cluster above.

terraform {
  required_providers {
    helm       = { source = "hashicorp/helm", version = ">= 2.12" }
    kubernetes = { source = "hashicorp/kubernetes", version = ">= 2.30" }
  }
}

resource "helm_release" "karpenter" {
  name       = "karpenter"
  namespace  = "kube-system"
  repository = "oci://public.ecr.aws/karpenter"
  chart      = "karpenter"
  version    = "1.6.0"
  values = [yamlencode({
    settings = {
      clusterName       = aws_eks_cluster.main.name
      interruptionQueue = aws_sqs_queue.karpenter.name
    }
  })]
}

resource "kubernetes_manifest" "nodeclass_default" {
  manifest = {
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata   = { name = "default" }
    spec = {
      role                       = aws_iam_role.node.name
      amiSelectorTerms           = [{ alias = "al2023@latest" }]
      subnetSelectorTerms        = [{ tags = { "karpenter.sh/discovery" = "${var.environment}-eks" } }]
      securityGroupSelectorTerms = [{ tags = { "karpenter.sh/discovery" = "${var.environment}-eks" } }]
    }
  }
  depends_on = [helm_release.karpenter]
}

resource "kubernetes_manifest" "nodepool_general" {
  manifest = {
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata   = { name = "general" }
    spec = {
      weight = 10
      limits = { cpu = "64", memory = "256Gi" }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = "0s"
        budgets             = [{ nodes = "10%" }]
      }
      template = {
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          expireAfter  = "720h"
          requirements = [
            { key = "kubernetes.io/arch", operator = "In", values = ["arm64"] },
            { key = "karpenter.sh/capacity-type", operator = "In", values = ["on-demand"] },
            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = ["m7g", "m6g", "c7g", "c6g"] },
          ]
        }
      }
    }
  }
  depends_on = [helm_release.karpenter]
}
