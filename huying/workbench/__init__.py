"""The staff console (工作台): queues, the case page, maps and the command-centre screen.

Each part is a subpackage with its own views, urls and templates (`templates/workbench/<part>/`); this package
holds what they share: the layout, the role-based landing and the access check.
"""
