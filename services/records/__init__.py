"""Field records (客户档案, 维修, 拜访): who sees what, finding, exporting, chasing and reminding."""
