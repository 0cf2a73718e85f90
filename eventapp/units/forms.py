"""Unit forms."""

from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from eventapp.forms import Form
from eventapp.units.models import UNIT_KIND_LABELS


class UnitForm(Form):
    code = StringField("Mã đơn vị", validators=[DataRequired("Nhập mã đơn vị."), Length(max=32)])
    name = StringField("Tên đơn vị", validators=[DataRequired("Nhập tên đơn vị."),
                                                 Length(max=200)])
    kind = SelectField("Loại đơn vị", choices=[(k.value, v) for k, v in UNIT_KIND_LABELS.items()])


class ImportForm(Form):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Chọn tệp Excel để tải lên.")])
