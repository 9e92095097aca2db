# Lesson 10: a little weather station that keeps a log.
# 第10课：一个会做记录的小气象站。
#
# The DHT11 measures the air's temperature and humidity (how much water vapour is in it).
# We measure every few seconds and write each measurement as a line of a file,
# weather_log.csv, which a spreadsheet (Excel, WPS) opens as a table.

import csv
import time

from kitbridge import DHT11, Board

DHT11_PIN = {"mpython": 0, "esp32-devkitc": 4}
READINGS = 6  # how many measurements · 测量几次
EVERY = 2  # seconds between them (a DHT11 needs at least 1) · 两次测量之间隔几秒（DHT11至少要1秒）

with Board() as board:
    sensor = DHT11(board, DHT11_PIN[board.kind])
    temperatures = []
    humidities = []
    with open("weather_log.csv", "w", newline="", encoding="utf-8") as log:
        table = csv.writer(log)
        table.writerow(["seconds", "temperature_C", "humidity_percent"])  # the header row · 表头
        start = time.monotonic()
        print("seconds · 秒   °C   humidity · 湿度 %")
        for reading in range(READINGS):
            celsius, humidity = sensor.read()  # one measurement gives both · 一次测量得到两个数
            seconds = round(time.monotonic() - start)
            table.writerow([seconds, celsius, humidity])
            temperatures.append(celsius)
            humidities.append(humidity)
            print(f"{seconds:7}  {celsius:5.0f}  {humidity:5.0f}")
            if reading < READINGS - 1:
                time.sleep(EVERY)

    # A summary: the lowest, highest and average of each · 总结：最低、最高和平均值
    print(f"temperature · 温度: min {min(temperatures):.0f}, max {max(temperatures):.0f}, "
          f"average · 平均 {sum(temperatures) / len(temperatures):.1f} °C")
    print(f"humidity · 湿度: min {min(humidities):.0f}, max {max(humidities):.0f}, "
          f"average · 平均 {sum(humidities) / len(humidities):.1f} %")
    print("Saved in weather_log.csv · 已保存到 weather_log.csv")
