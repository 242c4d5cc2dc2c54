/** @odoo-module **/

/**
 * Draw a signature on Odoo's signature pad as a hand does: a pen down on the
 * canvas, a wave across it (one move every 20 ms, the pad samples every 16 ms),
 * the pen up. The consent forms are draw only: the patient's signature is a
 * drawing, never her typed name.
 *
 * @param {HTMLCanvasElement} canvas
 */
export async function drawSignature(canvas) {
    const rect = canvas.getBoundingClientRect();
    const points = [];
    for (let i = 0; i <= 40; i++) {
        points.push([
            rect.left + rect.width * (0.1 + (0.8 * i) / 40),
            rect.top + rect.height * (0.5 + 0.25 * Math.sin((i / 40) * 4 * Math.PI)),
        ]);
    }
    const pen = (type, [clientX, clientY]) =>
        canvas.dispatchEvent(
            new PointerEvent(type, {
                bubbles: true,
                cancelable: true,
                clientX,
                clientY,
                pointerId: 1,
                pointerType: "pen",
                isPrimary: true,
                buttons: type === "pointerup" ? 0 : 1,
                pressure: type === "pointerup" ? 0 : 0.5,
            })
        );
    pen("pointerdown", points[0]);
    for (const point of points.slice(1)) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        pen("pointermove", point);
    }
    pen("pointerup", points.at(-1));
}
