"""Company structure and standard dimensions: LOCATION, LOCATIONENTITY, DEPARTMENT,
CLASS, PROJECT, EMPLOYEE, WAREHOUSE."""

from __future__ import annotations

from intacct_bridge.sandbox.objects.common import STATUS, contact_ref
from intacct_bridge.sandbox.schema import FieldSpec, object_type

LOCATION = object_type(
    "LOCATION",
    "Location",
    (
        FieldSpec("LOCATIONID", required=True, max_length=20, label="Location ID"),
        FieldSpec("NAME", required=True, max_length=40, label="Name"),
        FieldSpec("PARENTID", ref="LOCATION", label="Parent"),
        FieldSpec("SUPERVISORID", ref="EMPLOYEE", label="Manager"),
        contact_ref("CONTACTINFO", "Primary contact"),
        contact_ref("SHIPTO", "Ship-to contact"),
        FieldSpec("STARTDATE", "date", label="Start date"),
        FieldSpec("ENDDATE", "date", label="End date"),
        FieldSpec("CUSTTITLE", label="Title"),
        FieldSpec("CURRENCY", max_length=3, label="Base currency"),
        STATUS,
    ),
    id_field="LOCATIONID",
    update_keys=("LOCATIONID",),
    plural="Locations",
    url_path="/ia/acct/location.phtml",
)

#: Entities of a MEGA company. Read-only through the API; created by the admin API.
LOCATIONENTITY = object_type(
    "LOCATIONENTITY",
    "Entity",
    (
        FieldSpec("LOCATIONID", required=True, max_length=20, label="Entity ID"),
        FieldSpec("NAME", required=True, max_length=40, label="Name"),
        FieldSpec("REPORTPRINTAS", label="Name on reports"),
        FieldSpec("SUPERVISORID", label="Manager"),
        FieldSpec("FIRSTMONTH", label="First fiscal month"),
        FieldSpec("FIRSTMONTHTAX", label="First tax month"),
        FieldSpec("WEEKSTART", label="Week start"),
        FieldSpec("FEDERALID", label="Federal ID"),
        FieldSpec("STARTDATE", "date", label="Start date"),
        FieldSpec("ENDDATE", "date", label="End date"),
        FieldSpec("CUSTOMERID", label="Inter-entity customer"),
        FieldSpec(
            "CUSTOMERNAME",
            readonly=True,
            via=("CUSTOMERID", "CUSTOMER", "NAME"),
            label="Inter-entity customer name",
        ),
        FieldSpec("VENDORID", label="Inter-entity vendor"),
        FieldSpec(
            "VENDORNAME",
            readonly=True,
            via=("VENDORID", "VENDOR", "NAME"),
            label="Inter-entity vendor name",
        ),
        FieldSpec("CURRENCY", label="Base currency"),
        FieldSpec("TAXID", label="Tax ID"),
        FieldSpec("OPCOUNTRY", label="Operating country"),
        FieldSpec("ENABLELEGALCONTACT", "boolean", default="false", label="Use legal address"),
        FieldSpec("LEGALNAME", label="Legal name"),
        FieldSpec("LEGALADDRESS1", label="Legal address line 1"),
        FieldSpec("LEGALADDRESS2", label="Legal address line 2"),
        FieldSpec("LEGALCITY", label="Legal city"),
        FieldSpec("LEGALSTATE", label="Legal state"),
        FieldSpec("LEGALZIPCODE", label="Legal zip code"),
        FieldSpec("LEGALCOUNTRY", label="Legal country"),
        FieldSpec("ADDRESSCOUNTRYDEFAULT", label="Default address country"),
        FieldSpec("HAS_IE_RELATION", "boolean", default="false"),
        STATUS,
    ),
    id_field="LOCATIONID",
    generic_create=False,
    generic_update=False,
    generic_delete=False,
    plural="Entities",
    url_path="/ia/acct/locationentity.phtml",
)

DEPARTMENT = object_type(
    "DEPARTMENT",
    "Department",
    (
        FieldSpec("DEPARTMENTID", required=True, max_length=20, label="Department ID"),
        FieldSpec("TITLE", required=True, max_length=40, label="Department name"),
        FieldSpec(
            "PARENTKEY",
            "integer",
            readonly=True,
            via=("PARENTID", "DEPARTMENT", "RECORDNO"),
            label="Parent key",
        ),
        FieldSpec("PARENTID", ref="DEPARTMENT", label="Parent department"),
        FieldSpec("SUPERVISORID", ref="EMPLOYEE", label="Manager"),
        FieldSpec(
            "SUPERVISORNAME",
            readonly=True,
            via=("SUPERVISORID", "EMPLOYEE", "PERSONALINFO.CONTACTNAME"),
            label="Manager name",
        ),
        FieldSpec("CUSTTITLE", label="Title"),
        STATUS,
    ),
    id_field="DEPARTMENTID",
    update_keys=("DEPARTMENTID",),
    plural="Departments",
    url_path="/ia/acct/department.phtml",
)

CLASS = object_type(
    "CLASS",
    "Class",
    (
        FieldSpec("CLASSID", required=True, max_length=20, label="Class ID"),
        FieldSpec("NAME", required=True, max_length=100, label="Name"),
        FieldSpec("DESCRIPTION", max_length=500),
        FieldSpec(
            "PARENTKEY",
            "integer",
            readonly=True,
            via=("PARENTID", "CLASS", "RECORDNO"),
            label="Parent key",
        ),
        FieldSpec("PARENTID", ref="CLASS", label="Parent class"),
        STATUS,
    ),
    id_field="CLASSID",
    update_keys=("CLASSID",),
    plural="Classes",
    url_path="/ia/acct/class.phtml",
)

PROJECT = object_type(
    "PROJECT",
    "Project",
    (
        FieldSpec("PROJECTID", required=True, max_length=20, label="Project ID"),
        FieldSpec("NAME", required=True, max_length=200, label="Project name"),
        FieldSpec("PROJECTCATEGORY", required=True, label="Project category"),
        FieldSpec("DESCRIPTION", max_length=1000),
        FieldSpec("PROJECTTYPE", label="Project type"),
        FieldSpec("CURRENCY", max_length=3, label="Currency"),
        FieldSpec("BUDGETID", label="Budget"),
        FieldSpec(
            "PARENTKEY",
            "integer",
            readonly=True,
            via=("PARENTID", "PROJECT", "RECORDNO"),
            label="Parent key",
        ),
        FieldSpec("PARENTID", ref="PROJECT", label="Parent project"),
        FieldSpec(
            "PARENTNAME", readonly=True, via=("PARENTID", "PROJECT", "NAME"), label="Parent name"
        ),
        FieldSpec("LOCATIONID", ref="LOCATION", mega_required=True, label="Location"),
        FieldSpec(
            "LOCATIONNAME",
            readonly=True,
            via=("LOCATIONID", "LOCATION", "NAME"),
            label="Location name",
        ),
        FieldSpec("DEPARTMENTID", ref="DEPARTMENT", label="Department"),
        FieldSpec(
            "DEPARTMENTNAME",
            readonly=True,
            via=("DEPARTMENTID", "DEPARTMENT", "TITLE"),
            label="Department name",
        ),
        FieldSpec(
            "CUSTOMERKEY",
            "integer",
            readonly=True,
            via=("CUSTOMERID", "CUSTOMER", "RECORDNO"),
            label="Customer key",
        ),
        FieldSpec("CUSTOMERID", ref="CUSTOMER", label="Customer"),
        FieldSpec(
            "CUSTOMERNAME",
            readonly=True,
            via=("CUSTOMERID", "CUSTOMER", "NAME"),
            label="Customer name",
        ),
        FieldSpec("MANAGERID", ref="EMPLOYEE", label="Project manager"),
        FieldSpec("PROJECTSTATUS", label="Project status"),
        FieldSpec("BEGINDATE", "date", label="Begin date"),
        FieldSpec("ENDDATE", "date", label="End date"),
        # The project's transaction rules, by name (stored, not applied; inferred shape).
        FieldSpec("PROJECT_RULES", max_length=1000, label="Transaction rules"),
        STATUS,
    ),
    id_field="PROJECTID",
    update_keys=("PROJECTID",),
    module="projects",
    plural="Projects",
    url_path="/ia/acct/project.phtml",
)

EMPLOYEE = object_type(
    "EMPLOYEE",
    "Employee",
    (
        FieldSpec("EMPLOYEEID", required=True, max_length=20, label="Employee ID"),
        FieldSpec(
            "PERSONALINFO.CONTACTNAME", required=True, ref="CONTACT", label="Primary contact"
        ),
        FieldSpec("TITLE", max_length=100),
        FieldSpec("LOCATIONID", ref="LOCATION", label="Location"),
        FieldSpec("DEPARTMENTID", ref="DEPARTMENT", label="Department"),
        FieldSpec("SUPERVISORID", ref="EMPLOYEE", label="Manager"),
        FieldSpec("STARTDATE", "date", label="Start date"),
        FieldSpec("ENDDATE", "date", label="Termination date"),
        STATUS,
    ),
    id_field="EMPLOYEEID",
    update_keys=("EMPLOYEEID",),
    plural="Employees",
    url_path="/ia/acct/employee.phtml",
)

WAREHOUSE = object_type(
    "WAREHOUSE",
    "Warehouse",
    (
        FieldSpec("WAREHOUSEID", required=True, max_length=20, label="Warehouse ID"),
        FieldSpec("NAME", required=True, max_length=40, label="Name"),
        FieldSpec("LOC.LOCATIONID", required=True, ref="LOCATION", label="Location"),
        FieldSpec("MANAGERID", ref="EMPLOYEE", label="Manager"),
        FieldSpec("PARENTID", ref="WAREHOUSE", label="Parent warehouse"),
        contact_ref("CONTACTINFO", "Primary contact"),
        contact_ref("SHIPTO", "Ship-to contact"),
        FieldSpec("USEDINGL", "boolean", default="false", label="Used in GL"),
        STATUS,
    ),
    id_field="WAREHOUSEID",
    update_keys=("WAREHOUSEID",),
    plural="Warehouses",
    url_path="/ia/acct/warehouse.phtml",
)

OBJECTS = (LOCATION, LOCATIONENTITY, DEPARTMENT, CLASS, PROJECT, EMPLOYEE, WAREHOUSE)
