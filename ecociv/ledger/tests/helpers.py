import csv
import io

import openpyxl

HEADERS = ["区划代码", "年度", "项目名称", "类别", "牵头单位", "状态", "计划投资(万元)", "中央资金(万元)",
           "省级资金(万元)", "市级资金(万元)", "县级资金(万元)", "社会资本(万元)", "累计完成投资(万元)"]


def project_rows(code="870121", year=2026):
    return [
        [code, year, "县城污水处理厂提标改造", "污水处理", "住房和城乡建设局", "在建", "5600", "2000", "1000", "",
         "1600", "1000", "3200"],
        [code, year, "饮用水源地保护", "饮用水源保护", "生态环境局", "已完成", "1200万元", "", "", "", "1200",
         "", "1200"],
        [code, year, "生态产业园", "产业", "发展和改革局", "未开工", "1.2亿元", "", "", "", "", "120000000元", ""],
    ]


def write_csv(path, headers, rows, encoding="utf-8"):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path, headers, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append(headers)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path
