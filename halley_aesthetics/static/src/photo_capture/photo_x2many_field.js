/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { X2ManyField, x2ManyField } from "@web/views/fields/x2many/x2many_field";

/**
 * The session's photos: the dialog that takes a new one is titled as its button
 * reads ("Add photo", the field's add-label), an open one "Photo", instead of
 * Odoo's "Create Photos" / "Open: Photos" made from the field's label.
 */
export class PhotoX2ManyField extends X2ManyField {
    setup() {
        super.setup();
        const openRecord = this._openRecord;
        this._openRecord = (params) =>
            openRecord({
                ...params,
                title: params.title || (params.record ? _t("Photo") : this.props.addLabel || _t("Add photo")),
            });
    }
}

export const photoX2ManyField = {
    ...x2ManyField,
    component: PhotoX2ManyField,
};

registry.category("fields").add("halley_photo_x2many", photoX2ManyField);
