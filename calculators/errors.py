"""Exceptions raised by the calculators for bad input.

Every exception names the argument that is wrong (``argument``) so that callers - the
domain evaluation and the API - can point the user at the offending field. They subclass
``ValueError`` so plain Python callers can catch them generically.
"""


class CalculatorError(ValueError):
    """Bad input to a calculator. ``argument`` names the offending argument."""

    def __init__(self, argument: str, message: str):
        super().__init__(f"{argument}: {message}")
        self.argument = argument
        self.message = message


class NonFiniteError(CalculatorError):
    """A number is NaN or infinite."""


class OutOfRangeError(CalculatorError):
    """A number lies outside its meaningful range (negative inventory, probability > 1,
    discount rate <= -100%, ...)."""


class EmptyScheduleError(CalculatorError):
    """A cash-flow schedule or other sequence that must hold values is empty."""


class TrialLimitError(CalculatorError):
    """A simulation asked for more trials than the documented bound."""
