"""Deliverables (整改方案, 整改报告, 组织落实情况报告) are case data: the admin shows nothing of them (三员分立 keeps
administrators away from cases); they are read and moved on their pages and through the API."""
