"""Sales: tenders (招投标) and the contracts (合同) they lead to."""
