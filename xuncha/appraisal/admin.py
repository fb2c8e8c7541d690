# Appraisals are confidential to their group and the inspection office: the Django admin (the system
# administrator's) registers none of their models.
