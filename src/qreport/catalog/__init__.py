"""The declarative inputs: indicator catalog per year, bureau config, report outline, formulas, regions."""
