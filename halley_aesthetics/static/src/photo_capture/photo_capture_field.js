/** @odoo-module **/

import { useEffect, useRef } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { ImageField, imageField } from "@web/views/fields/image/image_field";

/**
 * Odoo's image field whose file input opens the camera on a tablet or phone
 * (`capture="environment"`, the back camera), images only. On a desktop the
 * browser ignores `capture` and offers a file as usual.
 */
export class PhotoCaptureField extends ImageField {
    static template = "halley_aesthetics.PhotoCaptureField";

    setup() {
        super.setup();
        this.rootRef = useRef("root");
        useEffect(() => {
            for (const input of this.rootRef.el?.querySelectorAll("input[type=file]") || []) {
                input.setAttribute("accept", "image/*");
                input.setAttribute("capture", "environment");
            }
        });
    }
}

export const photoCaptureField = {
    ...imageField,
    component: PhotoCaptureField,
};

registry.category("fields").add("halley_photo_capture", photoCaptureField);
