"""Priced AWS resources, one module per resource family; each yields cost components."""

from innovate_sim.cost.resources.alb import ApplicationLoadBalancer
from innovate_sim.cost.resources.backup import BackupVault
from innovate_sim.cost.resources.base import Resource
from innovate_sim.cost.resources.cloudwatch import CloudWatchLogs
from innovate_sim.cost.resources.data_transfer import (
    InterAzTransfer,
    InternetDataTransferOut,
    InterRegionTransfer,
    internet_egress,
)
from innovate_sim.cost.resources.ec2_nodes import NodeGroup, node_groups
from innovate_sim.cost.resources.ecr import EcrRegistry
from innovate_sim.cost.resources.eks import EksCluster
from innovate_sim.cost.resources.free import FreeService
from innovate_sim.cost.resources.nat import NatGateway
from innovate_sim.cost.resources.operations import (
    CloudWatchMonitoring,
    ImageScanning,
    KmsKeys,
    Route53Zone,
)
from innovate_sim.cost.resources.public_ipv4 import PublicIpv4
from innovate_sim.cost.resources.rds import RdsInstance, RdsReplica, RdsSnapshotExport
from innovate_sim.cost.resources.s3 import S3Bucket
from innovate_sim.cost.resources.vpc_endpoints import InterfaceEndpoint
from innovate_sim.cost.resources.waf import WebAcl

__all__ = [
    "ApplicationLoadBalancer",
    "BackupVault",
    "CloudWatchLogs",
    "CloudWatchMonitoring",
    "EcrRegistry",
    "EksCluster",
    "FreeService",
    "ImageScanning",
    "InterAzTransfer",
    "InterRegionTransfer",
    "InterfaceEndpoint",
    "InternetDataTransferOut",
    "KmsKeys",
    "NatGateway",
    "NodeGroup",
    "PublicIpv4",
    "RdsInstance",
    "RdsReplica",
    "RdsSnapshotExport",
    "Resource",
    "Route53Zone",
    "S3Bucket",
    "WebAcl",
    "internet_egress",
    "node_groups",
]
