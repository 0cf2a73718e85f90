"""The base of every form: text cleaned by ``text.clean``, numbers and dates a database can
hold, and WTForms' own messages in Vietnamese."""

from __future__ import annotations

from datetime import date, datetime

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import (
    DateField,
    DateTimeField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from eventapp import daytext
from eventapp.api import json_data
from eventapp.params import MAX_INT
from eventapp.text import clean, email_error
from eventapp.units.rules import code_error

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100

#: WTForms' messages (wtforms.pot) in Vietnamese; its validators ask ``meta`` for them.
MESSAGES = {
    "Invalid field name '%s'.": "Tên trường không hợp lệ: '%s'.",
    "Field must be equal to %(other_name)s.": "Phải trùng với %(other_name)s.",
    "Field must be at least %(min)d character long.": "Tối thiểu %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Tối thiểu %(min)d ký tự.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be exactly %(max)d character long.": "Phải đúng %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.":
        "Độ dài phải từ %(min)d đến %(max)d ký tự.",
    "Number must be at least %(min)s.": "Số phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Số phải không quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải từ %(min)s đến %(max)s.",
    "Date must be at least %(min)s.": "Ngày phải từ %(min)s trở đi.",
    "Date must be at most %(max)s.": "Ngày phải không sau %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Ngày phải từ %(min)s đến %(max)s.",
    "This field is required.": "Vui lòng nhập thông tin này.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Invalid email address.": "Địa chỉ email không hợp lệ.",
    "Invalid IP address.": "Địa chỉ IP không hợp lệ.",
    "Invalid Mac address.": "Địa chỉ MAC không hợp lệ.",
    "Invalid URL.": "Địa chỉ URL không hợp lệ.",
    "Invalid UUID.": "Mã UUID không hợp lệ.",
    "Invalid value, must be one of: %(values)s.": "Giá trị không hợp lệ; chọn một trong: "
                                                  "%(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Giá trị không được là: %(values)s.",
    "This field cannot be edited.": "Không được sửa trường này.",
    "This field is disabled and cannot have a value.": "Trường này bị khóa, không nhận "
                                                       "giá trị.",
    "Invalid CSRF Token.": "Mã bảo vệ biểu mẫu không hợp lệ; vui lòng tải lại trang.",
    "CSRF token missing.": "Thiếu mã bảo vệ biểu mẫu; vui lòng tải lại trang.",
    "CSRF failed.": "Kiểm tra bảo vệ biểu mẫu thất bại; vui lòng tải lại trang.",
    "CSRF token expired.": "Biểu mẫu đã hết hạn; vui lòng tải lại trang.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Chưa có lựa chọn nào.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.":
        "Có lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' không phải lựa chọn "
                                                         "hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' không phải lựa chọn "
                                                         "hợp lệ.",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Not a valid integer value.": "Phải là số nguyên.",
    "Not a valid decimal value.": "Phải là một số.",
    "Not a valid float value.": "Phải là một số.",
    # Flask-WTF's file validators.
    "File does not have an approved extension: {extensions}": "Tệp phải có đuôi: {extensions}.",
    "File does not have an approved extension.": "Loại tệp không được chấp nhận.",
}


class VietnameseTranslations:
    """The ``gettext``/``ngettext`` pair WTForms asks its meta for."""

    def gettext(self, string: str) -> str:
        return MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return MESSAGES.get(singular if n == 1 else plural, plural)


TRANSLATIONS = VietnameseTranslations()


def _clean_line(value):
    return clean(value) if isinstance(value, str) else value


def _clean_lines(value):
    return clean(value, multiline=True) if isinstance(value, str) else value


def _storable_number(form, field) -> None:
    if isinstance(field.data, int) and not -MAX_INT <= field.data <= MAX_INT:
        raise ValidationError("Số quá lớn.")


def _plausible_date(form, field) -> None:
    if isinstance(field.data, date | datetime) and \
            not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(f"Năm phải từ {EARLIEST_YEAR} đến {LATEST_YEAR}.")


class Form(FlaskForm):
    """Every form of the app derives from this one."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            kind = unbound_field.field_class
            if len(unbound_field.args) > 1:  # validators given by position: leave as is
                return super().bind_field(form, unbound_field, options)
            filters = list(unbound_field.kwargs.get("filters") or ())
            validators = list(unbound_field.kwargs.get("validators") or ())
            if issubclass(kind, TextAreaField):
                filters.insert(0, _clean_lines)
            elif issubclass(kind, StringField) and not issubclass(kind, PasswordField):
                filters.insert(0, _clean_line)
            elif issubclass(kind, IntegerField):
                validators.append(_storable_number)
            elif issubclass(kind, DateField | DateTimeField):
                validators.append(_plausible_date)
            return unbound_field.bind(form=form, filters=filters, validators=validators,
                                      **options)

        def get_translations(self, form):
            return TRANSLATIONS

        def wrap_formdata(self, form, formdata):
            # Flask-WTF reads a JSON body with request.get_json(): 2,000 nested brackets
            # raise RecursionError there, and a list or a number is not form data.
            if formdata is _Auto and form.is_submitted() and not request.files \
                    and not request.form and request.is_json:
                return _json_formdata(json_data())
            return super().wrap_formdata(form, formdata)


def _json_formdata(data) -> ImmutableMultiDict | None:
    """A JSON object as form data: scalars and lists of scalars, as text."""
    if not isinstance(data, dict):
        return None
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str | int | float | bool):
                pairs.append((key, str(item)))
    return ImmutableMultiDict(pairs)


class DayField(DateField):
    """A date typed as ``dd/mm/yyyy`` in a text box (``daytext`` says why not the browser's
    date control)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": daytext.DAY_HINT, "autocomplete": "off",
                     "data-day": "", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return daytext.show_day(self.data) if isinstance(self.data, date) else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = daytext.read_day(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None


class MomentField(DateTimeField):
    """A local time typed as ``dd/mm/yyyy HH:MM`` (24-hour) in a text box; naive, read in the
    event's zone by ``formatting.typed_in``."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": daytext.MOMENT_HINT, "autocomplete": "off",
                     "data-moment": "", **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return daytext.show_moment(self.data) if isinstance(self.data, datetime) else ""

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        try:
            self.data = daytext.read_moment(valuelist[0])
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from None


class EmptyForm(Form):
    """Only the CSRF token: for buttons that post."""


def email_address(form, field) -> None:
    """WTForms validator: ``text.email_error`` on a non-empty field."""
    if field.data and (message := email_error(field.data)):
        raise ValidationError(message)


def unit_code(form, field) -> None:
    """WTForms validator: ``units.rules.code_error``."""
    if message := code_error(field.data):
        raise ValidationError(message)
