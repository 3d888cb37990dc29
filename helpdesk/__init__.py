"""chamber-helpdesk: the grievance desk of a chamber of commerce (商会会员诉求处理)."""

__version__ = "0.1.0"
