"""`huying triage train|evaluate` on a small labelled set the project wrote itself (the real measurement on
citizen messages is a benchmark, with stratified cross-validation)."""

import csv
import io
import json

import joblib
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook
from sklearn.feature_extraction.text import TfidfVectorizer

from huying.triage.classifier import (
    FORMAT,
    MAX_CHARS,
    CharGrams,
    ModelFileError,
    WordGrams,
    classifier_load,
    classifier_train,
    head,
    words,
)

EXAMPLES = {
    "市容环卫": ["小区门口垃圾堆了三天没人清运", "楼道里的垃圾桶满了发臭", "路边垃圾成堆苍蝇很多", "垃圾清运车一直不来",
              "垃圾站臭味很大影响居民", "小区垃圾分类桶坏了", "街上垃圾没人扫", "绿化带里堆满生活垃圾",
              "垃圾桶溢出来了请清运", "菜市场门口垃圾遍地"],
    "噪声扰民": ["工地晚上十二点还在施工噪音很大", "楼上装修电钻声吵得睡不着", "广场舞音响声音太大", "夜里施工噪声扰民",
              "酒吧音乐声太吵到凌晨", "隔壁装修噪音持续一整天", "凌晨还有机器轰鸣声", "商铺喇叭噪音很大",
              "施工噪声影响孩子学习", "晚上工地打桩声音太吵"],
    "供水问题": ["家里停水两天了没有通知", "自来水发黄有异味", "小区水压太低楼上没水", "水管爆裂一直在漏水",
              "突然停水什么时候恢复", "自来水浑浊不能喝", "楼道水管漏水严重", "停水没有提前通知居民",
              "水龙头出水很小水压低", "供水管道破裂路面积水"],
    "道路交通": ["路口红绿灯坏了车辆乱行", "马路上有个大坑很危险", "人行道被车辆占用", "公交站台破损无法候车",
              "路灯不亮晚上行人不安全", "道路坑洼不平容易摔倒", "斑马线看不清需要重新划线", "红绿灯时间太短过不去马路",
              "路面塌陷需要修补", "违章停车堵住小区出口"],
}


def write_csv(path, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["留言详情", "一级分类"])
        writer.writerows(rows)


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "train.csv"
    write_csv(path, [(text, label) for label, texts in EXAMPLES.items() for text in texts])
    return path


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


def test_a_model_trained_on_labelled_messages_puts_new_ones_in_their_category(labelled, tmp_path):
    model = tmp_path / "models" / "category.joblib"
    assert "on 40 texts, 4 labels" in run("train", "--data", str(labelled), "--text-col", "留言详情",
                                          "--label-col", "一级分类", "--out", str(model))
    classifier = classifier_load(model)
    (top,) = classifier.top(["我家楼下垃圾很多没人来清运"])
    assert top[0][0] == "市容环卫" and len(top) == 3
    assert top[0][1] >= top[1][1] >= top[2][1] and 0 < sum(p for _label, p in top) <= 1.0001
    assert classifier.predict(["装修噪音太吵了", "停水了"]) == ["噪声扰民", "供水问题"]


def test_evaluate_prints_one_json_object_with_the_measures(labelled, tmp_path):
    model = tmp_path / "m.joblib"
    run("train", "--data", str(labelled), "--text-col", "留言详情", "--label-col", "一级分类", "--out", str(model))
    held_out = tmp_path / "test.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["留言详情", "一级分类"])
    for row in (("垃圾桶满了没人清运", "市容环卫"), ("晚上施工太吵", "噪声扰民"), ("自来水停了", "供水问题"),
                ("路灯坏了", "道路交通"), ("楼下垃圾发臭", "噪声扰民")):  # the last label is wrong on purpose
        sheet.append(row)
    book.save(held_out)
    result = json.loads(run("evaluate", "--model", str(model), "--data", str(held_out), "--text-col", "留言详情",
                            "--label-col", "一级分类", "--json"))
    assert result["n"] == 5 and result["accuracy"] == 0.8
    assert set(result) >= {"n", "accuracy", "macro_f1", "per_class", "texts_per_second"}
    assert result["per_class"]["噪声扰民"] == {"precision": 1.0, "recall": 0.5, "f1": 0.6667, "support": 2}
    assert result["texts_per_second"] > 0


def test_a_missing_column_or_a_wrong_model_file_is_a_clear_error(labelled, tmp_path):
    with pytest.raises(CommandError, match="--text-col: 文件中没有列“text”"):
        run("train", "--data", str(labelled), "--text-col", "text", "--label-col", "一级分类",
            "--out", str(tmp_path / "m.joblib"))
    not_a_model = tmp_path / "notes.joblib"
    not_a_model.write_text("hello")
    with pytest.raises(CommandError, match="--model"):
        run("evaluate", "--model", str(not_a_model), "--data", str(labelled), "--text-col", "留言详情",
            "--label-col", "一级分类")
    one_label = tmp_path / "one.csv"
    write_csv(one_label, [(text, "市容环卫") for text in EXAMPLES["市容环卫"]])
    with pytest.raises(CommandError, match="--label-col"):
        run("train", "--data", str(one_label), "--text-col", "留言详情", "--label-col", "一级分类",
            "--out", str(tmp_path / "m.joblib"))


def labelled_examples() -> tuple[list[str], list[str]]:
    return ([text for texts in EXAMPLES.values() for text in texts],
            [label for label, texts in EXAMPLES.items() for _text in texts])


@pytest.fixture(scope="module")
def trained():
    return classifier_train(*labelled_examples())


def test_character_grams_weigh_as_scikit_learns_tfidf_of_characters_does():
    texts = ["小区门口垃圾堆了三天", "垃圾  桶满了 \t发臭", "Road LIGHT broken 路灯坏了", "噪音噪音噪音", "a"]
    ours = CharGrams(max_n=3, min_df=1).fit(texts)
    theirs = TfidfVectorizer(analyzer="char", preprocessor=head, ngram_range=(1, 3), sublinear_tf=True).fit(texts)
    assert len(ours.vocabulary_) == len(theirs.vocabulary_)
    unseen = ["垃圾桶满了没人管", "路灯 light 不亮", ""]
    mine, reference = ours.transform(unseen).toarray(), theirs.transform(unseen).toarray()
    # same weights; the columns are numbered differently, so compare each row's sorted weights
    assert np.allclose(np.sort(mine, axis=1), np.sort(reference, axis=1))
    assert mine[0].max() > 0 and not mine[2].any()


def test_word_grams_weigh_as_scikit_learns_tfidf_of_jieba_words_does():
    texts = ["小区门口垃圾堆了三天没人清运", "垃圾桶满了没人清运", "工地晚上施工噪音很大", "晚上施工噪音扰民",
             "自来水停了"]
    ours = WordGrams(max_n=2, min_df=1).fit(texts)
    theirs = TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=False, ngram_range=(1, 2),
                             sublinear_tf=True).fit(texts)
    assert ours.vocabulary_ == theirs.vocabulary_  # both number the grams in sorted order
    unseen = ["门口垃圾没人清运", "施工噪音", "完全无关的话"]
    assert np.allclose(ours.transform(unseen).toarray(), theirs.transform(unseen).toarray())
    assert ours.transform(unseen[:1]).nnz > 0


def test_probabilities_are_a_distribution_and_predict_is_the_likeliest(trained):
    texts = ["楼下垃圾没人清运", "半夜施工太吵", "家里停水了", "红绿灯坏了", "", "   "]
    ranked = trained.top(texts, k=4)
    for row in ranked:
        assert [label for label, _p in row] != [] and abs(sum(p for _label, p in row) - 1) < 1e-6
        assert all(0 <= p <= 1 for _label, p in row)
    assert trained.predict(texts) == [row[0][0] for row in ranked]
    assert trained.predict(texts[:4]) == ["市容环卫", "噪声扰民", "供水问题", "道路交通"]


def test_only_the_head_of_a_long_text_is_read(trained):
    text = "小区门口垃圾堆了三天没人清运，" * 80
    assert len(text) > MAX_CHARS
    (long,) = trained.top([text + "工地晚上施工噪音很大" * 50])
    (cut,) = trained.top([text[:MAX_CHARS]])
    assert [label for label, _p in long] == [label for label, _p in cut] and long[0][0] == "市容环卫"
    assert [p for _label, p in long] == pytest.approx([p for _label, p in cut])


def test_a_saved_model_answers_as_the_trained_one_and_an_older_format_is_refused(trained, tmp_path):
    path = tmp_path / "m.joblib"
    trained.save(path)
    loaded = classifier_load(path)
    texts = ["自来水发黄", "广场舞太吵"]
    assert loaded.top(texts) == trained.top(texts) and loaded.classes == trained.classes
    older = tmp_path / "old.joblib"
    joblib.dump({"format": "huying-triage-1", "pipeline": None, "version": "1", "trained_at": "", "n": 0,
                 "classes": []}, older)
    with pytest.raises(ModelFileError, match=FORMAT):
        classifier_load(older)


def test_two_labels_with_two_texts_each_train_and_a_label_with_one_text_is_refused():
    small = classifier_train(["垃圾没人清运", "垃圾桶满了", "施工噪音太吵", "装修声音太大"],
                             ["市容环卫", "市容环卫", "噪声扰民", "噪声扰民"])
    (top,) = small.top(["垃圾堆在门口"], k=3)
    assert len(top) == 2 and top[0][0] == "市容环卫" and top[0][1] > 0.5
    with pytest.raises(ValueError, match="噪声扰民"):
        classifier_train(["垃圾没人清运", "垃圾桶满了", "施工噪音太吵"], ["市容环卫", "市容环卫", "噪声扰民"])
