"""Seam's wire protocol, shared by the Seam routes and the control routes: the JSON shape of
every record (`shapes`), zod-worded parameter validation (`validation`) and the parameter
models generated from Seam's OpenAPI document (`params`)."""
