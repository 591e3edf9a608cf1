"""aftersales: after-sales service management (售后服务管理系统)."""

__version__ = "0.1.0"
