"""Leave (请假): balances (年假, 调休) and how a leave or overtime request reads to an approver."""
