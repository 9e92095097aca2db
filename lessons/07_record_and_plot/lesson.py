# Lesson 07: record what the sensors feel for a few seconds, save it, and draw it.
# 第7课：把传感器几秒钟内的感受记录下来，保存，再画成图。
#
# The board measures the light and the tilt 50 times a second. Every measurement becomes
# one line of data.csv, a table a spreadsheet opens. Then we draw the table as a picture.

import csv

from kitbridge import Board, KitError
from kitbridge.plotting import plot_recording

SECONDS = 6  # how long to record · 记录几秒

with Board() as board:
    print(f"Recording for {SECONDS} s: wave your hand over the light sensor, then tilt the board!")
    print(f"记录{SECONDS}秒：用手在光线传感器上方挥一挥，再把板子倾斜！")
    board.led.on()  # the LED glows while we record · 记录时LED亮着
    recording = board.record([board.light, board.accelerometer], seconds=SECONDS, path="data.csv")
    board.led.off()
    print(f"Saved {recording.total} measurements in data.csv · 已把{recording.total}个测量值保存到 data.csv")

# Read the table back, and find the darkest and the brightest moment.
# 把表格读回来，找出最暗和最亮的时刻。
with open("data.csv", newline="", encoding="utf-8") as f:
    rows = [row for row in csv.DictReader(f) if row["device"] == "light"]
start = float(rows[0]["time [s]"])
darkest = min(rows, key=lambda row: float(row["light.level [0-1]"]))
brightest = max(rows, key=lambda row: float(row["light.level [0-1]"]))
for name, row in (("darkest · 最暗", darkest), ("brightest · 最亮", brightest)):
    seconds = float(row["time [s]"]) - start
    print(f"{name}: {float(row['light.level [0-1]']):.2f} at {seconds:.1f} s · 在第{seconds:.1f}秒")

# Draw it: one picture with the light on top and the tilt below.
# 画图：上面是光线，下面是倾斜。
try:
    plot_recording("data.csv", save="data.png")
    print("Drew the picture data.png: open it! · 画好了 data.png：打开看看！")
except KitError as problem:  # no drawing library on this computer · 这台电脑没有画图库
    print(problem)
    print("You can still open data.csv in a spreadsheet · 你仍然可以用电子表格打开 data.csv")
